/**
 * The threaded server's benchmark (issue 4, "Speed"): this server against the reference servers
 * in ../shared/anchors (C epoll single-threaded, Go, Python uvloop, plain Node), driven by the
 * anchors' C load generator, which checks every reply byte for byte. Rounds are interleaved (each
 * round visits every server, in a rotating order) so slow drifts in the machine's load hit all
 * servers alike; the table shows medians over rounds and this server's ratio to each reference.
 * A figure to read, never a pass/fail test.
 *
 *   npm run bench                                    (from the repo root)
 *   npm run bench -w @echolab/server-threaded -- --rounds 3 --duration 3
 *   ... -- --threaded-args="--threads 1"             (settings for this server)
 *   ... -- --threaded-args="--threads 1" --pin       (one core each: the fairest per-thread test)
 *
 * Needs gcc, make, golang-go and python3-uvloop (anchors that cannot be built are skipped and
 * named). Every loadgen run is bounded, and so is the whole benchmark (--max-minutes).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type BenchServer, buildAnchors } from './anchors.ts'
import { formatTable, type Run, summarize } from './report.ts'

const { values: options } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '100' },
    size: { type: 'string', default: '64' },
    pipelines: { type: 'string', default: '1,16' },
    servers: { type: 'string' },
    'threaded-args': { type: 'string', default: '' },
    'max-noise': { type: 'string', default: '25' },
    attempts: { type: 'string', default: '3' },
    'max-minutes': { type: 'string', default: '40' },
    keep: { type: 'boolean', default: false },
    // Servers on the last core, the load generator on the first (taskset): each gets a core of
    // its own, so CPU per message compares the servers' own work rather than who won the CPU.
    pin: { type: 'boolean', default: false },
  },
})
const ROUNDS = Number(options.rounds)
const DURATION_S = Number(options.duration)
const WARMUP_S = Number(options.warmup)
const PIPELINES = options.pipelines.split(',').map(Number)
/** A run with more CPU than this (% of one core) used by other processes is tried again. */
const MAX_NOISE_PCT = Number(options['max-noise'])
const ATTEMPTS = Number(options.attempts)
const DEADLINE = Date.now() + Number(options['max-minutes']) * 60_000
const OURS = 'server-threaded'
const threadedArgs = options['threaded-args'].split(' ').filter((arg) => arg !== '')
const LAST_CORE = availableParallelism() - 1
if (options.pin && (LAST_CORE < 1 || !onPath('taskset'))) {
  console.error('bench: --pin needs taskset (util-linux) and at least 2 cores')
  process.exit(2)
}

const anchors = buildAnchors(threadedArgs)
const wanted = options.servers?.split(',')
const servers = anchors.servers.filter((s) => wanted === undefined || wanted.includes(s.name))
const running = new Map<string, { child: ChildProcess; port: number }>()
process.on('SIGINT', () => stopAll().then(() => process.exit(130)))

try {
  for (const skipped of anchors.skipped) console.error(`skipped ${skipped}`)
  for (const server of servers) running.set(server.name, await startServer(server))
  const runs: Run[] = []
  for (let round = 1; round <= ROUNDS; round++) {
    for (const pipeline of PIPELINES) {
      for (const server of rotate(servers, round - 1)) {
        if (Date.now() > DEADLINE) break
        const run = await measure(server, pipeline, round)
        if (run !== null) runs.push(run)
      }
    }
  }
  if (Date.now() > DEADLINE) console.error(`stopped early: --max-minutes ${options['max-minutes']}`)
  printReport(runs)
} finally {
  await stopAll()
  if (options.keep) console.error(`builds and server logs kept in ${anchors.dir}`)
  else rmSync(anchors.dir, { recursive: true, force: true })
}

async function startServer(server: BenchServer): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort()
  const { file, args, env } = server.command(port)
  // The server's own output (for ours: every log line) goes to a file, as in production.
  const log = openSync(join(anchors.dir, `${server.name}.log`), 'w')
  // taskset execs the server, so the child's PID is the server's (loadgen --server-pid).
  const [command, argv] = pinned(String(LAST_CORE), file, args)
  const child = spawn(command, argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  })
  closeSync(log)
  if (!(await acceptsConnections(port, 20_000))) {
    child.kill('SIGKILL')
    throw new Error(`${server.name} did not accept connections on port ${port} within 20 s`)
  }
  return { child, port }
}

/** One loadgen run, tried again (up to --attempts) while other processes make too much noise. */
async function measure(server: BenchServer, pipeline: number, round: number): Promise<Run | null> {
  const target = running.get(server.name)!
  let best: Run | null = null
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (target.child.exitCode !== null || target.child.signalCode !== null) {
      console.error(`!! ${server.name} is no longer running`)
      return best
    }
    await quietHost()
    const run = await loadgen(server.name, target, pipeline, round)
    if (run === null) continue
    if (best === null || run.otherPct < best.otherPct) best = run
    console.error(
      `round ${round} p=${pipeline} ${server.name.padEnd(16)} ${Math.round(run.msgsPerS).toString().padStart(8)} msgs/s  p50 ${(run.p50Us / 1000).toFixed(2)} ms  p99 ${(run.p99Us / 1000).toFixed(2)} ms  server ${Math.round(run.serverCpuPct)}%  noise ${Math.round(run.otherPct)}%${run.errors > 0 ? `  ERRORS ${run.errors}` : ''}`,
    )
    if (run.otherPct <= MAX_NOISE_PCT) break
  }
  return best
}

function loadgen(
  name: string,
  target: { child: ChildProcess; port: number },
  pipeline: number,
  round: number,
): Promise<Run | null> {
  const args = [
    ...['--port', String(target.port), '-c', options.connections, '-s', options.size],
    ...['-p', String(pipeline), '-d', String(DURATION_S), '-w', String(WARMUP_S)],
    ...['--server-pid', String(target.child.pid), '--label', name],
  ]
  // loadgen bounds itself with alarm(); this bound is for a loadgen that cannot even do that.
  const timeout = (WARMUP_S + DURATION_S + 60) * 1000
  return new Promise((resolve) => {
    const [command, argv] = pinned('0', anchors.loadgen, args)
    execFile(command, argv, { timeout, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error !== null) {
        console.error(`!! loadgen against ${name} failed: ${error.message} ${stderr}`)
        resolve(null)
        return
      }
      const out = JSON.parse(stdout) as Record<string, number>
      resolve({
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
      })
    })
  })
}

function printReport(runs: readonly Run[]): void {
  const summaries = summarize(runs)
  const setup = `${options.connections} connections, ${options.size}-byte messages, ${DURATION_S} s runs after ${WARMUP_S} s warmup, medians of ${ROUNDS} interleaved rounds`
  console.log(`\n## ${new Date().toISOString().slice(0, 10)}: ${setup}`)
  const sharing = options.pin
    ? `servers pinned to core ${LAST_CORE}, loadgen to core 0`
    : 'shared by the servers, loadgen and anything else running'
  console.log(`machine: ${availableParallelism()} cores, ${sharing}\n`)
  for (const pipeline of PIPELINES) {
    console.log(`### pipeline ${pipeline}\n`)
    console.log(formatTable(summaries, OURS, pipeline))
    console.log('')
  }
  for (const server of servers) console.log(`- ${server.name}: ${server.about}`)
}

async function stopAll(): Promise<void> {
  await Promise.all(
    [...running.values()].map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          const force = setTimeout(() => child.kill('SIGKILL'), 10_000)
          child.once('exit', () => {
            clearTimeout(force)
            resolve()
          })
          child.kill('SIGTERM')
        }),
    ),
  )
  running.clear()
}

/** The command line that runs `file` on `core` when --pin is on, or as it is. */
function pinned(core: string, file: string, args: readonly string[]): [string, string[]] {
  return options.pin ? ['taskset', ['-c', core, file, ...args]] : [file, [...args]]
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

async function acceptsConnections(port: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
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
