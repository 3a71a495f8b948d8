/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched, so
 * it opens the same from a file, an e-mail or a CI artifact with no network.
 */

import type { ScaleRun } from '../scale/scale-run.ts'
import { SCALE_COLUMNS, scaleCells } from '../scale/scale-table.ts'
import { formatSeconds } from '../timeline/format.ts'
import type { Machine } from './machine.ts'
import type { SavedExperiment, SavedRuns } from './saved-runs.ts'

interface RenderedCharts {
  /** Experiment id → its timeline SVG. */
  timelines: ReadonlyMap<string, string>
  scale: string | null
}

const STYLE = `
  body { font: 15px/1.45 system-ui, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
  h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-top: 1px solid #ddd; padding-top: 1em; }
  .machine, .ran { color: #555; }
  figure { margin: 1em 0; overflow-x: auto; }
  ul.checks { list-style: none; padding-left: 0; } .ok::before { content: "✓ "; color: #2f8f5b; }
  .failed::before { content: "✗ "; color: #c0392b; } .failed .why { color: #c0392b; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #ddd; text-align: right; } th:first-child, td:first-child { text-align: left; }
  code { background: #f4f4f4; padding: 0 0.2em; }
`

export function reportPage(runs: SavedRuns, charts: RenderedCharts, generatedAt: Date): string {
  const machine = runs.scale?.machine ?? runs.experiments[0]?.machine
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>echolab: the lab, visible</title>
<style>${STYLE}</style>
</head>
<body>
<h1>echolab: the lab, visible</h1>
<p class="ran">Generated ${escapeHtml(generatedAt.toISOString())} by <code>npm run lab</code>.
${machine ? `<p class="machine">Machine: ${describeMachine(machine)}.` : ''}
${runs.experiments.map((e) => experimentSection(e, charts.timelines.get(e.id) ?? '')).join('\n')}
${scaleSection(runs.scale, charts.scale)}
</body>
</html>
`
}

function describeMachine(m: Machine): string {
  return escapeHtml(`${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}`)
}

function experimentSection(e: SavedExperiment, svg: string): string {
  const checks = e.checks
    .map((c) =>
      c.why === null
        ? `<li class="ok">${escapeHtml(c.says)}</li>`
        : `<li class="failed">${escapeHtml(c.says)}: <span class="why">${escapeHtml(c.why)}</span></li>`,
    )
    .join('\n')
  const servers = e.servers
    .map(
      (s) =>
        `<li>${escapeHtml(s.label)}: <code>${escapeHtml(['--host 127.0.0.1 --port 0', ...s.flags].join(' '))}</code></li>`,
    )
    .join('')
  const clients = e.clients
    .map(
      (c) =>
        `<li>${escapeHtml(c.name)} → ${escapeHtml(c.server)}, connects at ${formatSeconds(c.startAtMs)}: ${escapeHtml(c.steps.join(', '))}</li>`,
    )
    .join('')
  return `<section class="experiment" data-experiment="${escapeHtml(e.id)}">
<h2>Experiment ${escapeHtml(e.id)}: ${escapeHtml(e.title)}</h2>
<p>${escapeHtml(e.lookFor.join(' '))}</p>
<figure class="timeline" aria-label="timeline of experiment ${escapeHtml(e.id)}">${svg}</figure>
<ul class="checks">${checks}</ul>
<details><summary>Settings (run ${escapeHtml(e.ranAt)})</summary>
<p>Servers:</p><ul>${servers}</ul><p>Clients:</p><ul>${clients}</ul></details>
</section>`
}

function scaleSection(run: ScaleRun | null, svg: string | null): string {
  if (run === null || svg === null) {
    return `<section class="scale"><h2>Scale</h2><p>No scale run yet: <code>npm run lab -- scale</code> adds it.</p></section>`
  }
  const { clientCounts, messagesPerClient, pauseMs } = run.settings
  const head = SCALE_COLUMNS.map((c) => `<th>${escapeHtml(c)}</th>`).join('')
  const rows = run.points
    .map(
      (p) =>
        `<tr>${scaleCells(p)
          .map((c) => `<td>${escapeHtml(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n')
  return `<section class="scale">
<h2>Scale: the lesson in numbers</h2>
<p>${escapeHtml(clientCounts.join(', '))} clients at once, each sending ${messagesPerClient} messages with ${pauseMs} ms between a reply and the next message, against each server in turn (run ${escapeHtml(run.ranAt)}, ${formatSeconds(run.tookMs)} in all).
The blocking server's whole run grows with every client, about linearly; the concurrent server's stays flat.</p>
<figure class="scale-chart" aria-label="scale: time against clients, both servers">${svg}</figure>
<table><thead><tr>${head}</tr></thead><tbody>
${rows}
</tbody></table>
</section>`
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
}
