/**
 * The soak (issue 11): the threaded server under hours-like conditions in minutes. It holds
 * thousands of connections that talk now and then, while churners connect and leave every way a
 * client leaves (sair, reset, half-close, slow reader), samples the server's RSS and CPU, and
 * fails if any reply was wrong, any client failed, the server logged an error, or its memory
 * keeps growing. Not part of `npm test`: run it by hand, loopback only, bounded in time.
 *
 *   npm run soak -- --minutes 10                    (from the repo root)
 *   npm run soak -- --minutes 2 --held 1000 --churners 20 --threads 2
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { cpuTimeMs, freePort, residentBytes } from '@echolab/testkit'
import { CHURNERS, echoesOf, SoakConnection } from './clients.ts'
import { memoryVerdict, type Sample } from './samples.ts'

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    held: { type: 'string', default: '2000' },
    churners: { type: 'string', default: '40' },
    threads: { type: 'string', default: '2' },
    'sample-seconds': { type: 'string', default: '10' },
  },
})
const minutes = bounded('minutes', values.minutes, 0.1, 120)
const heldCount = bounded('held', values.held, 0, 15_000)
const churnerCount = bounded('churners', values.churners, 0, 500)
const threads = bounded('threads', values.threads, 1, 64)
const sampleMs = bounded('sample-seconds', values['sample-seconds'], 1, 600) * 1000
// A held client says something about every half minute, well inside the idle timeout.
const HELD_TALK_MS = 30_000

function bounded(name: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text)
  if (!Number.isFinite(value) || value < min || value > max) {
    process.stderr.write(`--${name} must be a number ${min}-${max}, got '${text}'\n`)
    process.exit(2)
  }
  return value
}

const entry = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const port = await freePort()
const server = spawn(
  process.execPath,
  [entry, '--host', '127.0.0.1', '--port', String(port), '--threads', String(threads)],
  {
    env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
)
const serverLog = { errors: [] as string[], warnings: 0, listening: false }
let pending = ''
server.stdout.setEncoding('utf8').on('data', (text: string) => {
  const lines = (pending + text).split('\n')
  pending = lines.pop() ?? ''
  for (const line of lines) {
    if (line.includes('"msg":"listening"')) serverLog.listening = true
    if (line.includes('"level":"error"') || line.includes('"level":"fatal"')) {
      serverLog.errors.push(line.slice(0, 500))
    } else if (line.includes('"level":"warn"')) serverLog.warnings++
  }
})
const serverExit = new Promise<number | null>((resolve) => server.once('exit', resolve))
const deadline = performance.now() + minutes * 60_000
const failures: string[] = []
const counts = { churned: 0, heldTalks: 0 }

function fail(what: string, error: unknown): void {
  if (failures.length < 20) failures.push(`${what}: ${(error as Error).message}`)
  else failures.length++
}

async function main(): Promise<void> {
  const startedBy = performance.now() + 15_000
  while (!serverLog.listening) {
    if (performance.now() > startedBy) throw new Error('the server did not start within 15 s')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const held = await holdConnections()
  console.log(`holding ${held.length} connections; ${churnerCount} churners for ${minutes} min`)
  const samples: Sample[] = []
  const sampler = sample(samples)
  const talkers = held.map((c, i) => talk(c, i))
  const churn = Array.from({ length: churnerCount }, (_, i) => churnLoop(i))
  await Promise.all([...churn, ...talkers, sampler])
  await Promise.all(held.map((c, i) => leave(c, i)))
  server.kill('SIGTERM')
  const code = await serverExit
  if (code !== 0) failures.push(`the server exited with ${code} after SIGTERM`)
  report(samples)
}

async function holdConnections(): Promise<SoakConnection[]> {
  const held: SoakConnection[] = []
  for (let first = 0; first < heldCount; first += 200) {
    const batch = Math.min(200, heldCount - first)
    held.push(
      ...(await Promise.all(Array.from({ length: batch }, () => SoakConnection.open(port)))),
    )
  }
  return held
}

async function talk(c: SoakConnection, i: number): Promise<void> {
  // Spread out, so the held clients do not all talk in the same second.
  let next = performance.now() + ((i * 7919) % HELD_TALK_MS)
  while (next < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())))
    const message = `held ${i} says ${counts.heldTalks}`
    try {
      c.socket.write(`${message}\n`)
      await c.expect(echoesOf([message]), `held client ${i}'s echo`)
      counts.heldTalks++
    } catch (error) {
      fail(`held client ${i}`, error)
      return
    }
    next += HELD_TALK_MS
  }
}

async function leave(c: SoakConnection, i: number): Promise<void> {
  if (c.socket.destroyed) return
  try {
    c.socket.write('sair\n')
    await c.ended(`held client ${i} to be let go`)
  } catch (error) {
    fail(`held client ${i} leaving`, error)
  }
  c.socket.destroy()
}

async function churnLoop(worker: number): Promise<void> {
  for (let round = worker; performance.now() < deadline; round++) {
    const churner = CHURNERS[round % CHURNERS.length]!
    try {
      await churner(port)
      counts.churned++
    } catch (error) {
      fail(churner.name, error)
    }
  }
}

async function sample(samples: Sample[]): Promise<void> {
  const startedAt = performance.now()
  let cpuBefore = cpuTimeMs(server.pid ?? 0)
  let at = startedAt
  while (performance.now() < deadline) {
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Math.min(sampleMs, deadline - at))),
    )
    const now = performance.now()
    const cpu = cpuTimeMs(server.pid ?? 0)
    const s: Sample = {
      seconds: (now - startedAt) / 1000,
      rssBytes: residentBytes(server.pid ?? 0),
      cpuShare: (cpu - cpuBefore) / (now - at),
    }
    samples.push(s)
    cpuBefore = cpu
    at = now
    console.log(
      `${s.seconds.toFixed(0).padStart(5)} s  RSS ${(s.rssBytes / 2 ** 20).toFixed(0).padStart(5)} MiB  CPU ${(s.cpuShare * 100).toFixed(0).padStart(3)}%  churned ${counts.churned}  held talks ${counts.heldTalks}  failures ${failures.length}`,
    )
  }
}

function report(samples: Sample[]): void {
  const memory = memoryVerdict(samples)
  const cpu = samples.map((s) => s.cpuShare)
  const mean = cpu.reduce((a, b) => a + b, 0) / Math.max(1, cpu.length)
  console.log(
    `\nsoak: ${minutes} min, ${heldCount} held, ${churnerCount} churners, ${threads} threads`,
  )
  console.log(
    `  connections churned ${counts.churned}, held-client round trips ${counts.heldTalks}`,
  )
  console.log(`  server RSS ${memory.summary}; CPU mean ${(mean * 100).toFixed(0)}% of a core`)
  console.log(`  client failures ${failures.length}, server error lines ${serverLog.errors.length}`)
  for (const failure of failures.slice(0, 20)) console.log(`    ${failure}`)
  for (const line of serverLog.errors.slice(0, 5)) console.log(`    ${line}`)
  const ok = failures.length === 0 && serverLog.errors.length === 0 && !memory.growing
  console.log(ok ? 'PASS' : `FAIL${memory.growing ? ' (memory keeps growing)' : ''}`)
  process.exitCode = ok ? 0 : 1
}

try {
  await main()
} catch (error) {
  console.error(`soak: ${(error as Error).message}`)
  process.exitCode = 1
} finally {
  if (server.exitCode === null) server.kill('SIGKILL')
}
