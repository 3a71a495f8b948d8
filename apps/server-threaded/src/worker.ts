/**
 * One thread of the concurrent server: an event loop that listens on the server's port with
 * `reusePort` (the kernel spreads connections across the threads) and serves every connection
 * it accepts at once, with the session code both servers share (DESIGN.md, experiment 3).
 *
 * Not run by hand: src/main.ts starts it in a WorkerPool, tells it when and where to listen and
 * when to stop. Its log lines go to the main thread (LineForwarder), which writes them out.
 */
import { createServer, type Socket } from 'node:net'
import { parentPort, workerData } from 'node:worker_threads'
import { EchoError } from '@echolab/protocol'
import {
  connections,
  createLogger,
  LineForwarder,
  ListenError,
  LiveSessions,
  listen,
  MessageLogBudget,
  refuse,
  ServerMetrics,
  serveConnection,
  sessionLimits,
} from '@echolab/server-core'
import { ConnectionCounters } from './connection-counters.ts'
import { SERVICE } from './settings.ts'
import type { FromWorker, ListenTarget, ToWorker, WorkerData } from './thread-messages.ts'

if (parentPort === null) throw new Error('worker.ts runs in a worker thread; start src/main.ts')
const toMain = parentPort
const {
  config,
  counters: countersMemory,
  metrics,
  poolSize,
  slot,
  testFaults,
} = workerData as WorkerData

const sink = new LineForwarder()
const log = createLogger({ service: SERVICE, level: config.logLevel, sink })
// A crash must not swallow the lines that explain it: hand them over before the thread dies.
process.on('uncaughtExceptionMonitor', () => sink.flushSync())

const counters = new ConnectionCounters(countersMemory, slot)
const metricsRow = new ServerMetrics(poolSize, metrics).row(slot)
const budget = MessageLogBudget.loggingTo(log, config.messageLogsPerSecond)
const sessionOptions = sessionLimits(config)
const stopAccepting = new AbortController()
const sessions = new LiveSessions()
let stopped = false

const server = createServer({ allowHalfOpen: true, noDelay: true })
// Accept failures (EMFILE, ...) hit one connection, not the thread: log and keep accepting.
server.on('error', (error) => log.error({ err: error }, 'accept failed'))

function post(message: FromWorker): void {
  toMain.postMessage(message)
}

async function listenAndServe(target: ListenTarget): Promise<void> {
  try {
    const { address, port } = await listen(server, target)
    post({ type: 'listening', address, port })
  } catch (error) {
    if (!(error instanceof ListenError)) throw error
    post({ type: 'listen-failed', message: error.message, code: error.code })
    return
  }
  // The lab's concurrent loop: hand the connection over and go back to accepting at once.
  const accepting = { signal: stopAccepting.signal }
  for await (const socket of connections(server, accepting)) void serve(socket)
}

async function serve(socket: Socket): Promise<void> {
  const peer = `${socket.remoteAddress}:${socket.remotePort}`
  const active = counters.admit(config.maxClients)
  if (active === null) {
    metricsRow.add('connectionsRefused')
    log.info({ peer, maxClients: config.maxClients }, 'refused')
    void refuse(socket, EchoError.serverBusy(`${config.maxClients} clients connected`))
    return
  }
  const sessionLog = log.child({ conn: counters.nextId() })
  sessionLog.info({ peer, active }, 'connected')
  const served = serveConnection(socket, {
    log: sessionLog,
    session: sessionOptions,
    budget,
    signal: sessions.signal,
    metricsRow,
  })
  try {
    await sessions.track(socket, served)
  } finally {
    counters.release()
  }
}

/**
 * DESIGN.md, "Shutdown": stop accepting, then end the sessions as `ending` says (within the grace
 * period, or now); hand over the last log lines and say "stopped". Only the first stop reports.
 */
async function stop(ending: () => Promise<void>): Promise<void> {
  stopAccepting.abort()
  server.close()
  await ending()
  if (stopped) return
  stopped = true
  sink.flushSync()
  post({ type: 'stopped' })
  toMain.close()
}

toMain.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'listen':
      void listenAndServe(message)
      break
    case 'stop':
      void stop(() => sessions.drain(message.graceMs))
      break
    case 'stop-now':
      void stop(() => sessions.end())
      break
    case 'crash':
      if (testFaults) {
        setImmediate(() => {
          throw new Error('test fault: worker crash requested (ECHOLAB_TEST_FAULTS=1, SIGUSR2)')
        })
      }
      break
  }
})
post({ type: 'ready' })
