/**
 * What a process costs, read from /proc (Linux): resident memory and CPU time. For tests that
 * bound a server's memory or check that it is not spinning, in orders of magnitude, and for the
 * soak script.
 */
import { readFileSync } from 'node:fs'

const USER_HZ = 100 // what /proc/PID/stat counts CPU time in, on Linux

/** Resident set size of process `pid`, in bytes. */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`)
  return Number(kib) * 1024
}

/** CPU time (user + system) process `pid` has used so far, in milliseconds. */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12]) // utime and stime, fields 14 and 15
  return (ticks * 1000) / USER_HZ
}

/** The share of one core process `pid` used over the next `ms` milliseconds (1 = a whole core). */
export async function cpuShare(pid: number, ms: number): Promise<number> {
  const before = cpuTimeMs(pid)
  const startedAt = performance.now()
  await new Promise((resolve) => setTimeout(resolve, ms))
  return (cpuTimeMs(pid) - before) / (performance.now() - startedAt)
}
