/**
 * The heap benchmark's output, in markdown: the totals per held connection, then the groups that
 * grew, biggest first, each with what retains most of it.
 */
import type { GroupChange, HeapDiff } from './heap-diff.ts'
import type { ThreadMemory } from './snapshot.ts'

interface HeapRun {
  dist: string
  hold: number
  diff: HeapDiff
  /** The worker's `process.memoryUsage()` after a full collection, idle and holding. */
  memory: { idle: ThreadMemory; held: ThreadMemory }
  /** Sessions live by the server's log when the held snapshot was done. */
  liveAtSnapshot: number
  /** What went wrong with the hold by the load generator's account; undefined if nothing. */
  loadProblem: string | undefined
}

// A retainer under half a byte per connection is noise (one-off edges of the thread's own).
const MIN_RETAINER_BYTES = 0.5

export function formatHeapTables(run: HeapRun, top: number): string {
  return [...totals(run), '', ...groups(run, top)].join('\n')
}

function totals({ dist, hold, diff, memory, liveAtSnapshot, loadProblem }: HeapRun): string[] {
  const perConnection = (bytes: number): string => (bytes / hold).toFixed(1)
  const v8 = diff.total - diff.native
  const used = (field: keyof ThreadMemory): string =>
    perConnection(memory.held[field] - memory.idle[field])
  return [
    `Heap of the worker thread of \`${dist}\` (--threads 1), holding ${count(hold)} connections vs idle.`,
    `Snapshots: idle ${count(diff.idle.bytes)} B in ${count(diff.idle.nodes)} nodes, holding ${count(diff.held.bytes)} B in ${count(diff.held.nodes)} nodes; sessions live by the server's log: ${count(liveAtSnapshot)}.`,
    loadProblem === undefined
      ? 'The load generator held every connection and got every echo.'
      : `**The hold is not clean:** ${loadProblem}`,
    '',
    '| per held connection | bytes |',
    '|---|---:|',
    `| **total** (V8 heap + native) | **${perConnection(diff.total)}** |`,
    `| V8 heap | ${perConnection(v8)} |`,
    `| of which warm-up: code, feedback, object shapes (paid once, not per connection) | ${perConnection(diff.warmUp)} |`,
    `| **V8 heap without warm-up** | **${perConnection(v8 - diff.warmUp)}** |`,
    `| native, reported by Node (outside the V8 heap) | ${perConnection(diff.native)} |`,
    `| cross-check: the worker's heapUsed after GC | ${used('heapUsed')} |`,
    `| cross-check: the worker's external, of which arrayBuffers | ${used('external')}, ${used('arrayBuffers')} |`,
  ]
}

function groups({ hold, diff }: HeapRun, top: number): string[] {
  const lines = [
    '| # | B/conn | n/conn | cum % | type | group | top retainer: B/conn, edges/conn |',
    '|---:|---:|---:|---:|---|---|---|',
  ]
  const figures = (bytes: number, nodes: number, cumulative: number): string[] => [
    (bytes / hold).toFixed(1),
    (nodes / hold).toFixed(2),
    ((100 * cumulative) / diff.total).toFixed(1),
  ]
  let cumulative = 0
  for (const [index, group] of diff.groups.slice(0, top).entries()) {
    cumulative += group.bytes
    const place = group.definedAt.find((where) => where.place !== '')?.place
    const name = code(group.name) + (place === undefined ? '' : ` at ${code(place)}`)
    const retainer = topRetainer(group, hold)
    lines.push(
      cells([
        `${index + 1}`,
        ...figures(group.bytes, group.count, cumulative),
        code(group.type),
        name,
        retainer,
      ]),
    )
  }
  const rest = diff.groups.slice(top)
  const restBytes = rest.reduce((total, group) => total + group.bytes, 0)
  const restCount = rest.reduce((total, group) => total + group.count, 0)
  cumulative += restBytes
  const restName = `${count(rest.length)} more groups`
  lines.push(cells(['', ...figures(restBytes, restCount, cumulative), '(rest)', restName, '']))
  return lines
}

function cells(values: readonly string[]): string {
  return `| ${values.join(' | ')} |`
}

function topRetainer(group: GroupChange, hold: number): string {
  const [first, ...others] = group.retainers
  if (first === undefined || first.bytes / hold < MIN_RETAINER_BYTES) return ''
  const more = others.filter((other) => other.bytes / hold >= MIN_RETAINER_BYTES).length
  const also = more > 0 ? ` (+${more} more)` : ''
  return `${code(first.label)}: ${(first.bytes / hold).toFixed(1)}, ${(first.edges / hold).toFixed(2)}${also}`
}

/** A code span that a table cell can hold: names carry `<symbol …>` and may carry `|`. */
function code(text: string): string {
  return `\`${text.replaceAll('`', "'").replaceAll('|', '\\|')}\``
}

function count(value: number): string {
  return value.toLocaleString('en-US')
}
