/**
 * One thread of the concurrent server: an event loop that listens on the server's port with
 * `reusePort` (the kernel spreads connections across the threads) and serves every connection
 * it accepts at once, with the session code both servers share (DESIGN.md, experiment 3).
 *
 * Not run by hand: src/main.ts starts it in a WorkerPool, tells it when and where to listen and
 * when to stop. Its log lines go to the main thread (LineForwarder), which writes them out.
 *
 * What serving a session takes is server-core's SessionHost, as in the blocking server; what is
 * this thread's own is admission against the clients of every thread (ConnectionCounters), the
 * messages with the main thread, and the loop in listenAndServe.
 */
import { createServer, type Socket } from 'node:net'
import { parentPort, threadId, workerData } from 'node:worker_threads'
import { EchoError } from '@echolab/protocol'
import {
  ConnectionWatch,
  connections,
  createLogger,
  descriptorBudget,
  LineForwarder,
  ListenError,
  listen,
  refuse,
  ServerMetrics,
  SessionHost,
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
const stopAccepting = new AbortController()
let stopped = false
// The live view (issue 14): this thread's events go to the main thread, which merges every
// thread's into one stream. Its snapshot of the connections opened before anyone watched comes
// from the live sessions: nothing is kept for it per connection while nobody watches.
const watch: ConnectionWatch = new ConnectionWatch({
  thread: threadId,
  *describe() {
    for (const [socket, id] of host.sessions.entries())
      yield { id, socket, state: 'served' as const }
  },
  send: (batch) => post({ type: 'watch-batch', batch }),
})
const metricsRow = new ServerMetrics(poolSize, metrics).row(slot)
const host = new SessionHost({ config, log, metricsRow, watch, onEnded: sessionEnded })

// Whatever --max-clients says, no more clients than the descriptor limit leaves room for.
const descriptors = descriptorBudget(log, poolSize)
const maxClients = Math.min(config.maxClients, descriptors.fit)

const server = createServer({ allowHalfOpen: true, noDelay: true })
// Accept failures hit one connection, not the thread: log and keep accepting. Running out of
// descriptors anyway (something else took them) is one rate-limited line, not
// one per failed accept.
server.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EMFILE' || error.code === 'ENFILE') descriptors.shortage.report()
  else log.error({ err: error }, 'accept failed')
})

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

// Not an async function, and no promise: nothing per connection that lives as long as the session
// and is not the session. Returns at once; `sessionEnded` hears of its end.
function serve(socket: Socket): void {
  const peer = `${socket.remoteAddress}:${socket.remotePort}`
  const active = counters.admit(maxClients)
  if (active === null) {
    metricsRow.add('connectionsRefused')
    if (maxClients < config.maxClients) descriptors.shortage.report()
    log.info({ peer, maxClients }, 'refused')
    if (watch.watched) {
      const id = counters.nextId()
      watch.connected(id, socket)
      watch.ended(id, 'refused')
    }
    void refuse(socket, EchoError.serverBusy(`${maxClients} clients connected`))
    return
  }
  const conn = counters.nextId()
  log.info({ conn, peer, active }, 'connected')
  // Nobody waits here: connected and served at once.
  watch.connected(conn, socket)
  watch.served(conn)
  host.serve(socket, conn)
}

function sessionEnded(): void {
  counters.release()
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
  watch.flush()
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
      void stop(() => host.sessions.drain(message.graceMs))
      break
    case 'stop-now':
      void stop(() => host.sessions.end())
      break
    case 'watch':
      watch.watch(message.on)
      break
    case 'watch-snapshot':
      watch.snapshot(message.request)
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
