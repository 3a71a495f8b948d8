/**
 * server-threaded: the lab's concurrent echo server (DESIGN.md, experiments 3 and 4). The main
 * thread checks the settings and the port, then runs a WorkerPool of `node:worker_threads`;
 * each worker is an event loop serving many clients at once on the same port (`reusePort`).
 * The main thread supervises the workers, writes every thread's log lines, and on SIGTERM or
 * SIGINT stops them together (server-core's Shutdown: grace period, then `Error: server shutting
 * down`, exit 0; a second signal stops them at once, exit 1).
 *
 * Run it:
 *   npm start                                  from the repo root: port 5000, pretty on a terminal
 *   npm run start -w @echolab/server-threaded -- --port 6000 --threads 4
 *   node src/main.ts --help                    (with Node 24) every setting, flag and variable
 * Then talk to it with `nc localhost 5000` or `npm run client`.
 */
import { runMain } from '@echolab/cli'
import { descriptorLimit, ServerProgram, WatchHub } from '@echolab/server-core'
import { checkNobodyListens } from './port-check.ts'
import { SERVICE, THREADED_SETTINGS, type ThreadedConfig } from './settings.ts'
import { WorkerPool } from './worker-pool.ts'

runMain(SERVICE, main)

async function main(): Promise<void> {
  const heading = `${SERVICE}: concurrent echo server`
  const program = await ServerProgram.start(SERVICE, THREADED_SETTINGS, heading)
  if (program === undefined) return // --help
  const { config, log, sink } = program
  // Several listeners on one port need SO_REUSEPORT with the kernel balancing between them;
  // elsewhere one worker serves alone (DESIGN.md, "server-threaded").
  const reusePort = process.platform === 'linux'
  const threads = reusePort ? config.threads : 1
  if (!reusePort && config.threads > 1) {
    log.warn(
      { platform: process.platform, threadsAsked: config.threads },
      'reusePort is not supported on this platform: running one worker',
    )
  }
  // Test-only fault hook: nothing on the network can reach it, and without this variable at
  // start SIGUSR2 keeps its default meaning (end the process).
  const testFaults = process.env.ECHOLAB_TEST_FAULTS === '1'
  // The live view (issue 14): the hub merges every worker's events into one stream.
  const hub: WatchHub = new WatchHub({
    server: SERVICE,
    scheduling: 'concurrent',
    threads: () => pool.threadIds,
    setWatched: (on) => pool.watch(on),
    requestSnapshot: (request) => pool.requestSnapshot(request),
  })
  const pool = new WorkerPool({
    size: threads,
    config,
    log,
    sink,
    testFaults,
    onWatchBatch: (batch) => hub.receive(batch),
    onThreadGone: (threadId) => hub.threadGone(threadId),
  })
  // Like the shutdown signals, before "listening" is out: a test may send it right after.
  if (testFaults) process.on('SIGUSR2', () => pool.crashOne())

  const shutdown = program.shutdown({
    state: () => ({ active: pool.active }),
    // Each worker stops accepting when it is told to stop.
    stopAccepting: () => {},
    drain: (graceMs) => pool.stop(graceMs),
    endNow: () => pool.stopNow(),
  })

  let address: { address: string; port: number }
  try {
    await pool.start()
    await program.serveMetrics({ snapshot: () => pool.metrics(), watch: hub })
    address = await listenOnEveryThread(pool, config, reusePort)
  } catch (error) {
    await pool.stop(0)
    throw error
  }
  const { maxClients } = config
  const { address: host, port } = address
  log.info(
    { address: host, port, threads, maxClients, descriptorLimit: descriptorLimit() },
    'listening',
  )
  shutdown.serving()
  // A server whose workers keep crashing does not make its clients wait out a grace period.
  void pool.failure.then((reason) => shutdown.fail(reason.message))
}

/** Checks nobody listens on the port (see port-check.ts), then lets every worker listen on it. */
async function listenOnEveryThread(
  pool: WorkerPool,
  config: ThreadedConfig,
  reusePort: boolean,
): Promise<{ address: string; port: number }> {
  if (!reusePort) return pool.listen({ host: config.host, port: config.port, reusePort })
  await checkNobodyListens(config.host, config.port)
  return pool.listen({ host: config.host, port: config.port, reusePort })
}
