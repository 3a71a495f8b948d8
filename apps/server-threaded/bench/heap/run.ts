/**
 * What one held connection costs the threaded server in heap, object by object: the figure
 * behind the benchmark's "KiB per connection" (bench/memory.ts, RSS), broken down to see what to
 * make smaller. A figure to read, not a pass/fail test.
 *
 * How: the built server runs with one worker thread and its inspector on (127.0.0.1, ports from
 * the OS). Through the inspector's NodeWorker domain this takes two heap snapshots of the worker
 * thread, where the connections live: idle (after one echo, so that what a thread makes once on
 * its first connection is there already), and while the anchors' C load generator holds --hold
 * connections, each sending a message a second and checking its echo. The difference, divided by
 * the connections held, is grouped by V8 node type and name with what retains each group
 * (heap-diff.ts). Code, feedback and object shapes are counted apart: a thread that starts
 * serving connections warms up its paths once, which is not a cost per connection.
 *
 *   npm run bench:heap                        (from the repo root: builds, then measures, ~30 s)
 *   npm run bench:heap -- --hold 2000 --keep  (keeps the snapshots, to open them in DevTools)
 *   npm run bench:heap -- --dist ../other/apps/server-threaded/dist/main.mjs   (another build)
 *
 * Needs gcc and make (for the load generator). Every wait is bounded; the server and the load
 * generator are stopped by their PIDs, on an interrupt too.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { connectClient, type LogLine, type RunningServer, startServer } from '@echolab/testkit'
import { buildLoadgen, THREADED_ENTRY } from '../anchors.ts'
import { runLoadgen } from '../loadgen.ts'
import { diffHeaps } from './heap-diff.ts'
import { HeapSnapshot } from './heap-snapshot.ts'
import { formatHeapTables } from './heap-table.ts'
import { attachToWorker } from './inspector.ts'
import { heapSnapshotter } from './snapshot.ts'

const { values: options } = parseArgs({
  options: {
    dist: { type: 'string', default: THREADED_ENTRY },
    hold: { type: 'string', default: '5000' },
    // Seconds between the last connection accepted and the held snapshot: every connection has
    // sent and got back a few messages by then.
    settle: { type: 'string', default: '6' },
    top: { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
  },
})
const dist = resolve(options.dist)
// The server's default maxClients is 10,000: more would be refused, not held.
const hold = integer('--hold', options.hold, 1, 10_000)
const settleS = integer('--settle', options.settle, 0, 60)
const top = integer('--top', options.top, 1, 200)

// After the one echo, for its session to end and its garbage to go.
const IDLE_PAUSE_MS = 2_000
const LOADGEN_WARMUP_S = 1
// The load generator holds the connections this long after they are all open: the settle time,
// then the snapshot (a second or two), with room to spare.
const HOLD_WINDOW_S = settleS + 10
const START_WITHIN_MS = 20_000
const ATTACH_WITHIN_MS = 10_000
const CONNECTED_WITHIN_MS = 30_000

const anchors = buildLoadgen()
const snapshots = mkdtempSync(join(tmpdir(), 'echolab-heap-'))
process.on('exit', () => {
  rmSync(anchors.dir, { recursive: true, force: true })
  if (options.keep) console.error(`snapshots kept in ${snapshots}`)
  else rmSync(snapshots, { recursive: true, force: true })
})
// Exiting runs the exit handlers: testkit's stops the server by its PID, the one above cleans up.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130))

const server = await startServer({
  entry: dist,
  args: ['--threads', '1'],
  env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim() },
  startTimeoutMs: START_WITHIN_MS,
})
const isConnected = (line: LogLine): boolean => line.msg === 'connected'
const isEnded = (line: LogLine): boolean => line.msg === 'session ended'
const measured = await holdAndSnapshot(server).finally(() => server.stop())
const diff = diffHeaps(
  HeapSnapshot.read(join(snapshots, 'idle.heapsnapshot')),
  HeapSnapshot.read(join(snapshots, 'held.heapsnapshot')),
)
console.log(formatHeapTables({ dist, hold, diff, ...measured }, top))

async function holdAndSnapshot(server: RunningServer) {
  const inspector = await attachToWorker(await inspectorUrl(server), ATTACH_WITHIN_MS)
  try {
    const snapshot = await heapSnapshotter(inspector.worker)
    const client = await connectClient(server.port)
    client.sendLine('hello')
    await client.nextLine()
    client.end()
    await server.waitForLogs(isEnded, 1, 'the first session to end')
    await sleep(IDLE_PAUSE_MS)
    const idle = await snapshot(join(snapshots, 'idle.heapsnapshot'))

    const connectedBefore = server.logs.filter(isConnected).length
    const load = runLoadgen(
      [
        anchors.loadgen,
        [
          ...['--port', String(server.port), '--hold', String(hold), '-s', '64'],
          ...['-d', String(HOLD_WINDOW_S), '-w', String(LOADGEN_WARMUP_S)],
          ...['--server-pid', String(server.pid), '--label', 'heap'],
        ],
      ],
      LOADGEN_WARMUP_S + HOLD_WINDOW_S,
      'server-threaded',
    )
    const allConnected = server
      .waitForLogs(isConnected, connectedBefore + hold, `${hold} connections`, CONNECTED_WITHIN_MS)
      .then(() => true)
    if (!(await Promise.race([allConnected, load.then(() => false)]))) {
      throw new Error(`the load generator ended before ${hold} connections were accepted`)
    }
    await sleep(settleS * 1000)
    const held = await snapshot(join(snapshots, 'held.heapsnapshot'))
    const liveAtSnapshot =
      server.logs.filter(isConnected).length - server.logs.filter(isEnded).length
    const result = await load
    return { memory: { idle, held }, liveAtSnapshot, loadProblem: problemOf(result) }
  } finally {
    inspector.close()
  }
}

/** The `ws://` address Node prints on stderr once its inspector listens (before any script). */
async function inspectorUrl(server: RunningServer): Promise<string> {
  const deadline = Date.now() + ATTACH_WITHIN_MS
  for (;;) {
    const url = /Debugger listening on (ws:\/\/\S+)/.exec(server.stderr)?.[1]
    if (url !== undefined) return url
    if (Date.now() > deadline) throw new Error(`no inspector address on stderr: ${server.stderr}`)
    await sleep(50)
  }
}

function problemOf(result: Record<string, number> | null): string | undefined {
  if (result === null) return 'the load generator failed (above)'
  const { connected, stalled_conns: stalled, errors, mismatches } = result
  if (connected === hold && stalled === 0 && errors === 0 && mismatches === 0) return undefined
  return `${connected} of ${hold} connected, ${stalled} stalled, ${errors} errors, ${mismatches} wrong echoes`
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text)
  if (Number.isInteger(value) && value >= min && value <= max) return value
  throw new Error(`${flag} must be an integer ${min}-${max}, got '${text}'`)
}
