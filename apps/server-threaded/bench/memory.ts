/**
 * The benchmark's memory part (issue 10): each server started fresh, how long it takes to accept
 * its first connection, its resident memory (RSS, every thread) once idle, and while the load
 * generator holds K connections open. In hold mode loadgen sends one message a second on each
 * connection and checks every echo, so a server that holds its connections but stops serving
 * some of them shows up as stalled, not as cheap.
 *
 * A server that starts holding connections also pays, once, for getting busy: the code pages of
 * the paths it now runs, the malloc arenas of the threads that read and collect garbage, a young
 * generation in use. (RSS holding K − RSS idle) ÷ K charges that to every connection, so a
 * second fresh run holds fewer connections (`holdFew`) and the cost of one more connection is
 * the slope between the two: (RSS holding K − RSS holding few) ÷ (K − few).
 */
import { writeFileSync } from 'node:fs'
import type { BenchServer } from './anchors.ts'
import { runLoadgen } from './loadgen.ts'
import { type RunningServer, startServer, statusKiB, stopServer } from './server-process.ts'

interface MemoryOptions {
  loadgen: string
  logDir: string
  /** Connections to hold. */
  hold: number
  /** Connections held by a second fresh run, for the slope; 0 for no second run. */
  holdFew: number
  /** Seconds before the window: connections accepted and their first messages answered. */
  holdWarmupS: number
  /** Seconds of the window in which every held connection must get its echoes. */
  holdWindowS: number
  /** How long after its first accepted connection a server is left alone before "idle". */
  settleMs: number
}

export interface MemoryRow {
  server: string
  startMs: number
  idleKiB: number
  held: Held | null
  /** The second run's, holding `holdFew`; null if it failed or was not asked for. */
  heldFew: Held | null
  /** Why `held` is null. */
  note?: string
}

interface Held {
  /** RSS at the end of the window, all connections still open. */
  rssKiB: number
  /** The most RSS was since the hold began (VmHWM). */
  peakKiB: number
  connected: number
  /** Connections with no echo in the window, broken ones, wrong replies. */
  stalled: number
  errors: number
}

export async function measureMemory(
  server: BenchServer,
  options: MemoryOptions,
): Promise<MemoryRow> {
  const { hold, holdFew } = options
  const heldFew =
    holdFew > 0 && !server.oneAtATime ? (await startAndHold(server, holdFew, options)).held : null
  const row = await startAndHold(server, hold, options)
  return { ...row, heldFew }
}

/** A fresh server: its start, its idle RSS and, unless it serves one at a time, `count` held. */
async function startAndHold(
  server: BenchServer,
  count: number,
  options: MemoryOptions,
): Promise<Omit<MemoryRow, 'heldFew'>> {
  const running = await startServer(server, options.logDir)
  try {
    await new Promise((resolve) => setTimeout(resolve, options.settleMs))
    const pid = running.child.pid!
    const row: Omit<MemoryRow, 'heldFew'> = {
      server: server.name,
      startMs: running.startMs,
      idleKiB: statusKiB(pid, 'VmRSS'),
      held: null,
    }
    if (server.oneAtATime) row.note = 'serves one client at a time'
    else row.held = await holdConnections(server.name, running, count, options)
    if (row.held === null) row.note ??= 'loadgen failed (above)'
    return row
  } finally {
    await stopServer(running.child)
  }
}

async function holdConnections(
  name: string,
  running: RunningServer,
  count: number,
  options: MemoryOptions,
): Promise<Held | null> {
  const pid = running.child.pid!
  // Resets VmHWM to the RSS of now, so the peak is the hold's, not the start's.
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
  const args = [
    ...['--port', String(running.port), '--hold', String(count), '-s', '64'],
    ...['-d', String(options.holdWindowS), '-w', String(options.holdWarmupS)],
    ...['--server-pid', String(pid), '--label', name],
  ]
  const out = await runLoadgen(
    [options.loadgen, args],
    options.holdWarmupS + options.holdWindowS,
    name,
  )
  if (out === null) return null
  return {
    rssKiB: out.server_rss_kb!,
    peakKiB: statusKiB(pid, 'VmHWM'),
    connected: out.connected!,
    stalled: out.stalled_conns!,
    errors: out.errors! + out.mismatches!,
  }
}

/**
 * One row per server, in the order given. "KiB per connection" is the slope between the two
 * holds (what one more connection costs); "over idle" is (holding − idle) ÷ held, which also
 * carries what getting busy costs once.
 */
export function formatMemoryTable(
  rows: readonly MemoryRow[],
  hold: number,
  holdFew: number,
): string {
  const [few, many] = [holdFew, hold].map((count) => count.toLocaleString('en-US'))
  const header = `| server | start ms | idle MiB | holding ${few} MiB | holding ${many} MiB | peak MiB | KiB per connection (${few} → ${many}) | KiB per connection over idle | every held connection answered |`
  const lines = [header, '|---|---:|---:|---:|---:|---:|---:|---:|---|']
  for (const row of rows) {
    const { held, heldFew } = row
    const cells =
      held === null
        ? ['—', '—', '—', '—', '—', `not measured: ${row.note}`]
        : [
            heldFew === null ? '—' : mib(heldFew.rssKiB),
            mib(held.rssKiB),
            mib(held.peakKiB),
            heldFew === null
              ? '—'
              : ((held.rssKiB - heldFew.rssKiB) / (held.connected - heldFew.connected)).toFixed(1),
            ((held.rssKiB - row.idleKiB) / held.connected).toFixed(1),
            answeredBoth(held, hold, heldFew, holdFew),
          ]
    lines.push(
      `| ${row.server} | ${Math.round(row.startMs)} | ${mib(row.idleKiB)} | ${cells.join(' | ')} |`,
    )
  }
  return lines.join('\n')
}

function answeredBoth(held: Held, hold: number, heldFew: Held | null, holdFew: number): string {
  const answers = [answered(held, hold), heldFew === null ? 'yes' : answered(heldFew, holdFew)]
  return answers.every((answer) => answer === 'yes') ? 'yes' : answers.join('; ')
}

function answered(held: Held, hold: number): string {
  if (held.connected === hold && held.stalled === 0 && held.errors === 0) return 'yes'
  return `no (${hold.toLocaleString('en-US')}): ${held.connected} connected, ${held.stalled} stalled, ${held.errors} errors`
}

function mib(kib: number): string {
  return (kib / 1024).toFixed(1)
}
