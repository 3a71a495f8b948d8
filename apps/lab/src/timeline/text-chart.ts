/**
 * A timeline drawn in text: one row per client over a shared time axis, then the servers' counts
 * of active and waiting connections. Each column is a slice of time; what happened in it is one
 * character, the most telling one winning:
 *
 *   ✓ a reply came (✗ a wrong one)   ! the server sent an `Error:` line   1-9 message n sent
 *   • one byte sent   ┤ left   ├ connected   ░ waiting in line   █ being served
 */
import type { Paint } from './paint.ts'
import type { ClientRow, ServerView, Timeline } from './timeline.ts'

export const LEGEND = [
  ['├', 'connected'],
  ['░', 'waiting in line'],
  ['█', 'being served'],
  ['1', 'message sent (its number)'],
  ['•', 'one byte sent'],
  ['✓', 'its reply'],
  ['!', 'Error: line'],
  ['┤', 'left'],
] as const

/** Tick spacings the axis may use, in ms: the smallest that leaves room for its label. */
const TICK_STEPS_MS = [100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000]
const MIN_TICK_GAP_COLUMNS = 8

interface ChartLayout {
  labelWidth: number
  columns: number
  /** ms per column */
  spanMs: number
}

export function layoutFor(timeline: Timeline, totalWidth: number): ChartLayout {
  const labels = [...timeline.rows.map((r) => r.name), ...timeline.servers.map((s) => s.label)]
  const labelWidth = Math.max(...labels.map((l) => l.length), 'waiting'.length + 2) + 2
  const columns = Math.max(20, totalWidth - labelWidth - 2)
  const endMs = Math.max(timeline.endMs, 1)
  return { labelWidth, columns, spanMs: endMs / (columns - 1) }
}

export function chartLines(timeline: Timeline, layout: ChartLayout, paint: Paint): string[] {
  const lines = axisLines(layout, paint)
  for (const row of timeline.rows) {
    lines.push(`${row.name.padEnd(layout.labelWidth)}${clientCells(row, layout, paint).join('')}`)
  }
  for (const view of timeline.servers) lines.push(...serverLines(view, layout, paint))
  return lines
}

function axisLines({ labelWidth, columns, spanMs }: ChartLayout, paint: Paint): string[] {
  const stepMs =
    TICK_STEPS_MS.find((step) => step / spanMs >= MIN_TICK_GAP_COLUMNS) ?? TICK_STEPS_MS.at(-1)!
  const labels = Array<string>(columns).fill(' ')
  const ruler = Array<string>(columns).fill('─')
  for (let ms = 0; ; ms += stepMs) {
    const column = Math.round(ms / spanMs)
    if (column >= columns) break
    ruler[column] = '┼'
    const text = `${ms / 1000} s`
    if (column + text.length <= columns) labels.splice(column, text.length, ...text)
  }
  const pad = ' '.repeat(labelWidth)
  return [
    paint.faint(`${pad}${labels.join('').slice(0, columns)}`),
    paint.faint(`${pad}${ruler.join('')}`),
  ]
}

function columnOf(ms: number, spanMs: number, columns: number): number {
  return Math.min(columns - 1, Math.max(0, Math.round(ms / spanMs)))
}

function clientCells(row: ClientRow, { columns, spanMs }: ChartLayout, paint: Paint): string[] {
  const cells = Array<string>(columns).fill(' ')
  const put = (ms: number, text: string): void => {
    cells[columnOf(ms, spanMs, columns)] = text
  }
  for (const segment of row.segments) {
    const from = columnOf(segment.fromMs, spanMs, columns)
    const to = columnOf(segment.toMs, spanMs, columns)
    const fill = segment.state === 'waiting' ? paint.waiting('░') : paint.served('█')
    for (let c = from; c <= to; c++) cells[c] = fill
  }
  // Later marks win a shared column: the order below is least to most telling.
  put(row.connectedMs, '├')
  put(row.leftMs, paint.faint('┤'))
  for (const ms of row.bytesMs) put(ms, paint.message('•'))
  for (const m of row.messages) put(m.sentMs, paint.message(String(m.n % 10)))
  for (const m of row.messages) {
    if (m.replyMs !== null) put(m.replyMs, m.ok ? paint.reply('✓') : paint.error('✗'))
  }
  for (const e of row.errors) put(e.atMs, paint.error('!'))
  return cells
}

function serverLines(view: ServerView, { labelWidth, columns, spanMs }: ChartLayout, paint: Paint) {
  const counts = (of: 'active' | 'waiting'): string => {
    const cells: string[] = []
    for (let c = 0; c < columns; c++) {
      const [from, to] = [(c - 0.5) * spanMs, (c + 0.5) * spanMs]
      // The most at any moment within the column's slice of time.
      const inSlice = view.steps.filter((s, i) => {
        const until = view.steps[i + 1]?.atMs ?? Number.POSITIVE_INFINITY
        return s.atMs < to && until > from
      })
      const most = Math.max(0, ...inSlice.map((s) => s[of]))
      cells.push(most === 0 ? paint.faint('·') : most > 9 ? '+' : String(most))
    }
    return cells.join('')
  }
  return [
    paint.bold(view.label),
    `${'  active'.padEnd(labelWidth)}${counts('active')}`,
    `${'  waiting'.padEnd(labelWidth)}${counts('waiting')}`,
  ]
}
