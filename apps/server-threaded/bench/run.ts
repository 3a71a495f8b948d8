/**
 * The servers' benchmark: echolab's servers, built as they ship, against the reference servers in
 * ../shared/anchors (C epoll single-threaded, Go, Python uvloop, plain Node), driven by the
 * anchors' C load generator, which checks every reply byte for byte. Figures to read, never a
 * pass/fail test. Two parts:
 *
 * - memory (issue 10): each server started fresh; time to its first accepted connection, RSS
 *   idle and while holding --hold connections that each get an echo a second; a second fresh
 *   run holds --hold-few, so the cost of one more connection is the slope (bench/memory.ts).
 * - throughput (issue 4): rounds are interleaved (each round visits every server, in a rotating
 *   order) so slow drifts in the machine's load hit all servers alike; the tables show medians
 *   over rounds and the threaded server's ratio to each reference.
 *
 *   npm run bench                                    (from the repo root: builds, then both parts)
 *   npm run bench -w @echolab/server-threaded -- --parts memory
 *   npm run bench -w @echolab/server-threaded -- --rounds 3 --duration 3
 *   ... -- --threaded-args="--threads 1"             (settings for the threaded server)
 *   ... -- --threaded-args="--threads 1" --pin       (one core each: the fairest per-thread test)
 *   ... -- --baseline ../other/apps/server-threaded/dist/main.mjs   (another build, same rounds)
 *
 * Needs gcc, make, golang-go and python3-uvloop (anchors that cannot be built are skipped and
 * named). Every loadgen run is bounded, and so is the whole benchmark (--max-minutes).
 */
import { rmSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type BenchServer, buildAnchors, threadedServer } from './anchors.ts'
import { formatMemoryTable, type MemoryRow, measureMemory } from './memory.ts'
import { measureThroughput } from './throughput.ts'

const { values: options } = parseArgs({
  options: {
    parts: { type: 'string', default: 'memory,throughput' },
    servers: { type: 'string' },
    'threaded-args': { type: 'string', default: '' },
    // Another build's dist/main.mjs, run beside this one in the same rounds (before and after).
    baseline: { type: 'string' },
    'max-minutes': { type: 'string', default: '40' },
    keep: { type: 'boolean', default: false },
    // memory
    hold: { type: 'string', default: '10000' },
    // 0: no second run (and no slope).
    'hold-few': { type: 'string', default: '2000' },
    'hold-warmup': { type: 'string', default: '3' },
    'hold-window': { type: 'string', default: '5' },
    // throughput
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '100' },
    size: { type: 'string', default: '64' },
    pipelines: { type: 'string', default: '1,16' },
    'max-noise': { type: 'string', default: '25' },
    attempts: { type: 'string', default: '3' },
    // Servers on the last core, the load generator on the first (taskset): each gets a core of
    // its own, so CPU per message compares the servers' own work rather than who won the CPU.
    pin: { type: 'boolean', default: false },
  },
})
const parts = options.parts.split(',')
const deadline = Date.now() + Number(options['max-minutes']) * 60_000
const threadedArgs = options['threaded-args'].split(' ').filter((arg) => arg !== '')

const anchors = buildAnchors(threadedArgs)
const wanted = options.servers?.split(',')
const servers = anchors.servers.filter((s) => wanted === undefined || wanted.includes(s.name))
if (options.baseline !== undefined) {
  servers.splice(1, 0, threadedServer('baseline', resolve(options.baseline), threadedArgs))
}

// On exit, not in a finally: an interrupted run (server-process.ts) exits without unwinding.
process.on('exit', () => {
  if (options.keep) console.error(`builds and server logs kept in ${anchors.dir}`)
  else rmSync(anchors.dir, { recursive: true, force: true })
})

for (const skipped of anchors.skipped) console.error(`skipped ${skipped}`)
console.log(`# ${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} cores`)
if (parts.includes('memory')) await memoryPart(servers)
if (parts.includes('throughput')) {
  await measureThroughput(
    servers.filter((server) => !server.oneAtATime),
    { ...options, loadgen: anchors.loadgen, logDir: anchors.dir, deadline },
  )
}
if (Date.now() > deadline) console.error(`stopped early: --max-minutes ${options['max-minutes']}`)
console.log('')
for (const server of servers) console.log(`- ${server.name}: ${server.about}`)

async function memoryPart(under: readonly BenchServer[]): Promise<void> {
  const hold = Number(options.hold)
  const holdFew = Number(options['hold-few'])
  const rows: MemoryRow[] = []
  for (const server of under) {
    if (Date.now() > deadline) break
    const row = await measureMemory(server, {
      loadgen: anchors.loadgen,
      logDir: anchors.dir,
      hold,
      holdFew,
      holdWarmupS: Number(options['hold-warmup']),
      holdWindowS: Number(options['hold-window']),
      settleMs: 3_000,
    })
    console.error(
      `memory ${server.name.padEnd(16)} start ${Math.round(row.startMs)} ms  idle ${(row.idleKiB / 1024).toFixed(1)} MiB  held ${row.held === null ? row.note : `${(row.held.rssKiB / 1024).toFixed(1)} MiB, ${row.held.stalled} stalled, ${row.held.errors} errors`}${row.heldFew === null ? '' : `  held ${holdFew} ${(row.heldFew.rssKiB / 1024).toFixed(1)} MiB`}`,
    )
    rows.push(row)
  }
  console.log(
    `\n## memory: RSS of the whole process, idle 3 s after it first accepts, then holding ${hold.toLocaleString('en-US')} connections (loadgen --hold, one 64-byte message a second each, every echo checked; RSS at the end of a ${options['hold-window']} s window after ${options['hold-warmup']} s); holding ${holdFew.toLocaleString('en-US')} is a second fresh run, and KiB per connection the slope between the two\n`,
  )
  console.log(formatMemoryTable(rows, hold, holdFew))
}
