/**
 * The scale results as a table: printed by `npm run lab -- scale`, pasted in the README, and
 * shown in the report. One row per server and client count.
 */
import type { ScalePoint } from './scale-run.ts'

export const SCALE_COLUMNS = [
  'server',
  'clients',
  'first reply (median / max)',
  'finish (median / max)',
  'latency p50 / p99',
  'whole run',
] as const

/** `0.42 ms`, `12.3 ms`, `3.21 s`. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`
}

export function scaleCells(point: ScalePoint): string[] {
  return [
    point.server,
    String(point.clients),
    `${formatMs(point.firstReplyMs.median)} / ${formatMs(point.firstReplyMs.max)}`,
    `${formatMs(point.finishMs.median)} / ${formatMs(point.finishMs.max)}`,
    `${formatMs(point.latencyMs.p50)} / ${formatMs(point.latencyMs.p99)}`,
    formatMs(point.wholeRunMs),
  ]
}

/** The table as Markdown-compatible text (it reads as a table in a terminal too). */
export function scaleTable(points: readonly ScalePoint[]): string {
  const rows = [[...SCALE_COLUMNS], ...points.map(scaleCells)]
  const widths = SCALE_COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n')
}
