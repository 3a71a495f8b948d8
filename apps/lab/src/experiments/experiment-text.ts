/**
 * An experiment as the terminal shows it: what to look for, the timeline, what each client lived
 * through in words, the server's log in order, and the lab's checks, each ✓ or ✗ with why.
 */
import { formatSeconds } from '../timeline/format.ts'
import type { Paint } from '../timeline/paint.ts'
import { chartLines, LEGEND, layoutFor } from '../timeline/text-chart.ts'
import type { ClientRow } from '../timeline/timeline.ts'
import type { Experiment } from './experiment.ts'
import type { ExperimentResult } from './run-experiment.ts'
import { firstReplyMs } from './timeline-facts.ts'

/** Longest text shown in a sentence; experiment 3 sends a long message on purpose. */
const SHOWN_TEXT_CHARS = 60

/** Printed before the experiment runs: what it is and what to look for. */
export function experimentHeading(experiment: Experiment, paint: Paint): string {
  const lines = [
    paint.bold(`Experiment ${experiment.id}: ${experiment.title}`),
    ...experiment.lookFor.map((line) => `  ${line}`),
  ]
  return `${lines.join('\n')}\n`
}

/** Printed once it has run: the timeline, the stories, the server's log, the checks. */
export function experimentText(result: ExperimentResult, width: number, paint: Paint): string {
  const { experiment, timeline, problems } = result
  const lines = [
    '',
    ...chartLines(timeline, layoutFor(timeline, width), paint),
    paint.faint(`  ${LEGEND.map(([mark, what]) => `${mark} ${what}`).join('   ')}`),
    '',
    ...timeline.rows.map((row) => `  ${clientStory(row)}`),
    '',
  ]
  for (const view of timeline.servers) {
    lines.push(`  ${view.label}'s log:`)
    for (const line of view.log) {
      const who = line.client === null ? `conn ${line.conn}` : `conn ${line.conn} (${line.client})`
      lines.push(
        paint.faint(
          `    ${formatSeconds(line.atMs).padStart(7)}  ${who.padEnd(34)} ${shorten(line.detail)}`,
        ),
      )
    }
  }
  lines.push('')
  for (const { says } of experiment.expectations) {
    const problem = problems.find((p) => p.says === says)
    lines.push(
      problem === undefined
        ? `  ${paint.ok('✓')} ${says}`
        : `  ${paint.error('✗')} ${says}: ${paint.error(problem.why)}`,
    )
  }
  return `${lines.join('\n')}\n`
}

/** "client 2: connected at 0.30 s, waited in line 1.54 s, first reply at 1.85 s, ..." */
function clientStory(row: ClientRow): string {
  const parts = [`connected at ${formatSeconds(row.connectedMs)}`]
  const waiting = row.segments.find((s) => s.state === 'waiting')
  if (waiting) parts.push(`waited in line ${formatSeconds(waiting.toMs - waiting.fromMs)}`)
  const first = firstReplyMs(row)
  if (first !== null) parts.push(`first reply at ${formatSeconds(first)}`)
  const echoed = row.messages.filter((m) => m.ok).length
  if (row.messages.length > 0) parts.push(`${echoed} of ${row.messages.length} messages echoed`)
  for (const error of row.errors)
    parts.push(`told "${shorten(error.text)}" at ${formatSeconds(error.atMs)}`)
  const closer =
    row.closedBy === 'server' ? 'the server closed the connection' : 'it closed the connection'
  parts.push(`left at ${formatSeconds(row.leftMs)} (${closer})`)
  return `${row.name}: ${parts.join(', ')}`
}

function shorten(text: string): string {
  return text.length <= SHOWN_TEXT_CHARS
    ? text
    : `${text.slice(0, SHOWN_TEXT_CHARS)}… (${text.length} characters)`
}
