/**
 * The benchmark's throughput part (issue 4, "Speed"): every server started once, then rounds in
 * which the load generator visits each of them in a rotating order, so slow drifts in the
 * machine's load hit them all alike. A run during which other processes used too much CPU is
 * tried again. The tables show medians over rounds (bench/report.ts).
 */
import { existsSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import type { BenchServer } from './anchors.ts'
import { runLoadgen } from './loadgen.ts'
import { formatTable, type Run, summarize } from './report.ts'
import { isRunning, type RunningServer, startServer, stopServer } from './server-process.ts'

interface ThroughputOptions {
  loadgen: string
  logDir: string
  /** Date.now() past which no more runs start. */
  deadline: number
  rounds: string
  duration: string
  warmup: string
  connections: string
  size: string
  pipelines: string
  /** A run with more CPU than this (% of one core) used by other processes is tried again. */
  'max-noise': string
  attempts: string
  pin: boolean
}

const OURS = 'server-threaded'
const LAST_CORE = availableParallelism() - 1

export async function measureThroughput(
  servers: readonly BenchServer[],
  options: ThroughputOptions,
): Promise<void> {
  if (options.pin && (LAST_CORE < 1 || !onPath('taskset'))) {
    throw new Error('--pin needs taskset (util-linux) and at least 2 cores')
  }
  const pipelines = options.pipelines.split(',').map(Number)
  const rounds = Number(options.rounds)
  const pinned = (core: string) => (file: string, args: readonly string[]) =>
    (options.pin ? ['taskset', ['-c', core, file, ...args]] : [file, [...args]]) as [
      string,
      string[],
    ]
  const running = new Map<string, RunningServer>()
  try {
    for (const server of servers) {
      running.set(server.name, await startServer(server, options.logDir, pinned(String(LAST_CORE))))
    }
    const runs: Run[] = []
    for (let round = 1; round <= rounds; round++) {
      for (const pipeline of pipelines) {
        for (const server of rotate(servers, round - 1)) {
          if (Date.now() > options.deadline) break
          const run = await measure(server.name, running.get(server.name)!, pipeline, round)
          if (run !== null) runs.push(run)
        }
      }
    }
    printReport(runs, pipelines, options)
  } finally {
    await Promise.all([...running.values()].map(({ child }) => stopServer(child)))
  }

  /** One loadgen run, tried again (up to --attempts) while other processes make too much noise. */
  async function measure(
    name: string,
    target: RunningServer,
    pipeline: number,
    round: number,
  ): Promise<Run | null> {
    let best: Run | null = null
    for (let attempt = 1; attempt <= Number(options.attempts); attempt++) {
      if (!isRunning(target.child)) {
        console.error(`!! ${name} is no longer running`)
        return best
      }
      await quietHost()
      const run = await loadgen(name, target, pipeline, round)
      if (run === null) continue
      if (best === null || run.otherPct < best.otherPct) best = run
      console.error(
        `round ${round} p=${pipeline} ${name.padEnd(16)} ${Math.round(run.msgsPerS).toString().padStart(8)} msgs/s  p50 ${(run.p50Us / 1000).toFixed(2)} ms  p99 ${(run.p99Us / 1000).toFixed(2)} ms  server ${Math.round(run.serverCpuPct)}%  noise ${Math.round(run.otherPct)}%${run.errors > 0 ? `  ERRORS ${run.errors}` : ''}`,
      )
      if (run.otherPct <= Number(options['max-noise'])) break
    }
    return best
  }

  async function loadgen(
    name: string,
    target: RunningServer,
    pipeline: number,
    round: number,
  ): Promise<Run | null> {
    const args = [
      ...['--port', String(target.port), '-c', options.connections, '-s', options.size],
      ...['-p', String(pipeline), '-d', options.duration, '-w', options.warmup],
      ...['--server-pid', String(target.child.pid), '--label', name],
    ]
    const boundS = Number(options.warmup) + Number(options.duration)
    const out = await runLoadgen(pinned('0')(options.loadgen, args), boundS, name)
    if (out === null) return null
    return {
      server: name,
      pipeline,
      round,
      msgsPerS: out.msgs_per_s!,
      p50Us: out.p50_us!,
      p99Us: out.p99_us!,
      otherPct: out.host_other_pct ?? 0,
      serverCpuPct: out.server_cpu_pct ?? 0,
      serverCpuUsPerMsg: ((out.server_cpu_pct ?? 0) * 10_000) / out.msgs_per_s!,
      errors: out.errors! + out.mismatches!,
    }
  }
}

function printReport(runs: readonly Run[], pipelines: number[], options: ThroughputOptions): void {
  const summaries = summarize(runs)
  const setup = `${options.connections} connections, ${options.size}-byte messages, ${options.duration} s runs after ${options.warmup} s warmup, medians of ${options.rounds} interleaved rounds`
  const sharing = options.pin
    ? `servers pinned to core ${LAST_CORE}, loadgen to core 0`
    : 'cores shared by the servers, loadgen and anything else running'
  console.log(`\n## throughput: ${setup}; ${sharing}\n`)
  for (const pipeline of pipelines) {
    console.log(`### pipeline ${pipeline}\n`)
    console.log(formatTable(summaries, OURS, pipeline))
    console.log('')
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '')
    .split(':')
    .some((dir) => dir !== '' && existsSync(join(dir, command)))
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length
  return [...items.slice(shift), ...items.slice(0, shift)]
}

/** Waits (up to 8 s) until the host's CPUs are under 15 % busy, so a run starts on a calm machine. */
async function quietHost(): Promise<void> {
  for (let check = 0; check < 16; check++) {
    const before = cpuTimes()
    await new Promise((resolve) => setTimeout(resolve, 500))
    const after = cpuTimes()
    const total = after.total - before.total
    if (total > 0 && (100 * (total - (after.idle - before.idle))) / total < 15) return
  }
}

function cpuTimes(): { total: number; idle: number } {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number)
  return { total: fields.reduce((a, b) => a + b, 0), idle: fields[3]! + fields[4]! }
}
