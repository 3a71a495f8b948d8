/**
 * Starting and stopping the servers under test, each on its own loopback port, and reading what
 * they cost from /proc: what the benchmark's throughput and memory parts share.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import type { BenchServer } from './anchors.ts'

export interface RunningServer {
  child: ChildProcess
  port: number
  /** From spawning the process to the first connection it accepted. */
  startMs: number
}

const START_WITHIN_MS = 20_000

// Every server still running: an interrupted benchmark (Ctrl-C, SIGTERM) stops them before it
// exits, so no server outlives it.
const started = new Set<ChildProcess>()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([...started].map(stopServer)).then(() => process.exit(130))
  })
}
// How often a starting server is tried: the resolution of the start time.
const START_POLL_MS = 5

/**
 * Starts `server` on a free port with its output in `<logDir>/<name>.log`, as in production;
 * `command` wraps it (taskset). Resolves once it accepts a connection.
 */
export async function startServer(
  server: BenchServer,
  logDir: string,
  wrap: (file: string, args: readonly string[]) => [string, string[]] = (f, a) => [f, [...a]],
): Promise<RunningServer> {
  const port = await freePort()
  const { file, args, env } = server.command(port)
  const log = openSync(join(logDir, `${server.name}.log`), 'a')
  // taskset execs the server, so the child's PID is the server's (loadgen --server-pid).
  const [command, argv] = wrap(file, args)
  const spawnedAt = performance.now()
  const child = spawn(command, argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  })
  closeSync(log)
  started.add(child)
  child.once('exit', () => started.delete(child))
  const deadline = spawnedAt + START_WITHIN_MS
  while (performance.now() < deadline && isRunning(child)) {
    if (await accepts(port)) return { child, port, startMs: performance.now() - spawnedAt }
    await new Promise((resolve) => setTimeout(resolve, START_POLL_MS))
  }
  child.kill('SIGKILL')
  throw new Error(`${server.name} did not accept connections on port ${port} within 20 s`)
}

/** SIGTERM, then SIGKILL if it has not exited within 10 s. */
export function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (!isRunning(child)) return resolve()
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null
}

/** A field of /proc/<pid>/status in KiB: VmRSS (resident now), VmHWM (the most it ever was). */
export function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${field}:`))
  return Number(line?.split(/\s+/)[1] ?? Number.NaN)
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
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
