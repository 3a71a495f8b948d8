/**
 * From loadgen runs to the benchmark's table: medians over rounds per server and case, and how
 * this server compares with each reference (ratios of medians).
 */

/** The figures of one loadgen run, or their medians over rounds. */
interface Figures {
  msgsPerS: number
  p50Us: number
  p99Us: number
  /** CPU used by other processes during the run, in % of one core: the noise. */
  otherPct: number
  serverCpuPct: number
  /** Server CPU time per message answered: the cost of a message, whatever the throughput. */
  serverCpuUsPerMsg: number
  /** Connect failures, broken connections and wrong replies: any of them spoils the run. */
  errors: number
}

/** What the benchmark keeps of one loadgen run (its JSON output, trimmed). */
export interface Run extends Figures {
  server: string
  pipeline: number
  round: number
}

export interface Summary extends Figures {
  server: string
  pipeline: number
  runs: number
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export function summarize(runs: readonly Run[]): Summary[] {
  const groups = new Map<string, Run[]>()
  for (const run of runs) {
    const key = `${run.pipeline}\0${run.server}`
    groups.set(key, [...(groups.get(key) ?? []), run])
  }
  return [...groups.values()].map((group) => ({
    server: group[0]!.server,
    pipeline: group[0]!.pipeline,
    runs: group.length,
    msgsPerS: median(group.map((run) => run.msgsPerS)),
    p50Us: median(group.map((run) => run.p50Us)),
    p99Us: median(group.map((run) => run.p99Us)),
    otherPct: median(group.map((run) => run.otherPct)),
    serverCpuPct: median(group.map((run) => run.serverCpuPct)),
    serverCpuUsPerMsg: median(group.map((run) => run.serverCpuUsPerMsg)),
    errors: group.reduce((sum, run) => sum + run.errors, 0),
  }))
}

/** The table for one pipeline depth: one row per server, `ours` first, with ratios. */
export function formatTable(summaries: readonly Summary[], ours: string, pipeline: number): string {
  const rows = summaries
    .filter((s) => s.pipeline === pipeline)
    .sort((a, b) => Number(b.server === ours) - Number(a.server === ours))
  const mine = rows.find((s) => s.server === ours)
  const header = `| server | msgs/s | p50 ms | p99 ms | server CPU % | CPU µs/msg | noise % | ${ours} ÷ server (msgs/s) |`
  const lines = [header, '|---|---:|---:|---:|---:|---:|---:|---:|']
  for (const s of rows) {
    const ratio =
      mine === undefined || s.server === ours ? '' : (mine.msgsPerS / s.msgsPerS).toFixed(2)
    const flagged = s.errors > 0 ? ` (${s.errors} errors)` : ''
    lines.push(
      `| ${s.server}${flagged} | ${Math.round(s.msgsPerS).toLocaleString('en-US')} | ${ms(s.p50Us)} | ${ms(s.p99Us)} | ${Math.round(s.serverCpuPct)} | ${s.serverCpuUsPerMsg.toFixed(2)} | ${Math.round(s.otherPct)} | ${ratio} |`,
    )
  }
  return lines.join('\n')
}

function ms(us: number): string {
  return (us / 1000).toFixed(2)
}
