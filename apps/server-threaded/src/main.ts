/**
 * server-threaded: the lab's concurrent echo server (DESIGN.md, experiments 3 and 4). The main
 * thread checks the settings and the port, then runs a WorkerPool of `node:worker_threads`;
 * each worker is an event loop serving many clients at once on the same port (`reusePort`).
 * The main thread supervises the workers, writes every thread's log lines, and on SIGTERM or
 * SIGINT stops them together (grace period, then `Error: server shutting down`) and exits 0.
 *
 * Run it:
 *   npm start                                  from the repo root: port 5000, pretty on a terminal
 *   npm run start -w @echolab/server-threaded -- --port 6000 --threads 4
 *   node src/main.ts --help                    (with Node 24) every setting, flag and variable
 * Then talk to it with `nc localhost 5000` or `npm run client`.
 */
import { describeSettings, loadConfig, runMain } from '@echolab/cli'
import {
  createLogger,
  type Logger,
  resolveLogFormat,
  serveMetrics,
  stdoutSink,
} from '@echolab/server-core'
import { checkNobodyListens } from './port-check.ts'
import { SERVICE, THREADED_SETTINGS, type ThreadedConfig } from './settings.ts'
import { WorkerPool } from './worker-pool.ts'

// After "stopped", the most the process waits for its last writes before it exits anyway.
const EXIT_LINGER_MS = 2_000

runMain(SERVICE, main)

async function main(): Promise<void> {
  const { config, flags } = loadConfig(THREADED_SETTINGS, { extraFlags: ['help'] })
  if (flags.help) {
    process.stdout.write(
      `${SERVICE}: concurrent echo server\n\n${describeSettings(THREADED_SETTINGS)}\n`,
    )
    return
  }
  const sink = stdoutSink(resolveLogFormat(config.logFormat))
  const log = createLogger({ service: SERVICE, level: config.logLevel, sink })
  // Listening for signals before anything starts: a SIGTERM that comes the moment "listening"
  // is out must not meet the default action (instant death).
  const stopRequested = shutdownSignal(log)

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
  const pool = new WorkerPool({ size: threads, config, log, sink, testFaults })
  // Like the shutdown signals, before "listening" is out: a test may send it right after.
  if (testFaults) process.on('SIGUSR2', () => pool.crashOne())

  let accepting = false
  let address: { address: string; port: number }
  try {
    await pool.start()
    await serveMetrics({
      server: SERVICE,
      snapshot: () => pool.metrics(),
      healthy: () => accepting,
      host: config.host,
      port: config.metricsPort,
      log,
    })
    address = await listenOnEveryThread(pool, config, reusePort)
  } catch (error) {
    await pool.stop(0)
    throw error
  }
  accepting = true
  log.info({ address: address.address, port: address.port, threads }, 'listening')

  const outcome = await Promise.race([stopRequested, pool.failure])
  accepting = false
  const failed = outcome instanceof Error
  // A server whose workers keep crashing does not make its clients wait out a grace period.
  const graceMs = failed ? 0 : config.shutdownGraceMs
  log.info(
    {
      ...(failed ? { reason: outcome.message } : { signal: outcome }),
      graceMs,
      active: pool.active,
    },
    'shutting down',
  )
  await pool.stop(graceMs)
  log.info('stopped')
  sink.flushSync()
  if (failed) process.stderr.write(`${SERVICE}: ${outcome.message}\n`)
  // The process ends by itself once everything is closed; should anything linger, it is cut short.
  process.exitCode = failed ? 1 : 0
  setTimeout(() => process.exit(), EXIT_LINGER_MS).unref()
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

/**
 * The first SIGTERM or SIGINT. Later ones are ignored: `npm start` and the terminal both deliver
 * Ctrl-C, and the shutdown they asked for is already bounded.
 */
function shutdownSignal(log: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received: NodeJS.Signals | null = null
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received !== null) {
        log.debug({ signal }, 'already shutting down')
        return
      }
      received = signal
      resolve(signal)
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  })
}
