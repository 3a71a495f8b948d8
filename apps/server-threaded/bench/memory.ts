/**
 * The benchmark's memory part (issue 10): each server started fresh, how long it takes to accept
 * its first connection, its resident memory (RSS, every thread) once idle, and while the load
 * generator holds K connections open. In hold mode loadgen sends one message a second on each
 * connection and checks every echo, so a server that holds its connections but stops serving
 * some of them shows up as stalled, not as cheap.
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
  const running = await startServer(server, options.logDir)
  try {
    await new Promise((resolve) => setTimeout(resolve, options.settleMs))
    const pid = running.child.pid!
    const row: MemoryRow = {
      server: server.name,
      startMs: running.startMs,
      idleKiB: statusKiB(pid, 'VmRSS'),
      held: null,
    }
    if (server.oneAtATime) row.note = 'serves one client at a time'
    else row.held = await hold(server.name, running, options)
    if (row.held === null) row.note ??= 'loadgen failed (above)'
    return row
  } finally {
    await stopServer(running.child)
  }
}

async function hold(
  name: string,
  running: RunningServer,
  options: MemoryOptions,
): Promise<Held | null> {
  const pid = running.child.pid!
  // Resets VmHWM to the RSS of now, so the peak is the hold's, not the start's.
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
  const args = [
    ...['--port', String(running.port), '--hold', String(options.hold), '-s', '64'],
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

/** One row per server, in the order given. */
export function formatMemoryTable(rows: readonly MemoryRow[], hold: number): string {
  const header = `| server | start ms | idle MiB | holding ${hold.toLocaleString('en-US')} MiB | peak MiB | KiB per held connection | every held connection answered |`
  const lines = [header, '|---|---:|---:|---:|---:|---:|---|']
  for (const row of rows) {
    const held = row.held
    const cells =
      held === null
        ? ['—', '—', '—', `not measured: ${row.note}`]
        : [
            mib(held.rssKiB),
            mib(held.peakKiB),
            ((held.rssKiB - row.idleKiB) / held.connected).toFixed(1),
            answered(held, hold),
          ]
    lines.push(
      `| ${row.server} | ${Math.round(row.startMs)} | ${mib(row.idleKiB)} | ${cells.join(' | ')} |`,
    )
  }
  return lines.join('\n')
}

function answered(held: Held, hold: number): string {
  if (held.connected === hold && held.stalled === 0 && held.errors === 0) return 'yes'
  return `no: ${held.connected} connected, ${held.stalled} stalled, ${held.errors} errors`
}

function mib(kib: number): string {
  return (kib / 1024).toFixed(1)
}
