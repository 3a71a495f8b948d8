/**
 * server-blocking: the lab's first server (DESIGN.md, experiments 1 and 2). It serves one client
 * at a time, from its first message to its last; clients that arrive meanwhile wait in a bounded
 * line and are served in arrival order.
 *
 *   npm start -w @echolab/server-blocking                     # 0.0.0.0:5000
 *   npm start -w @echolab/server-blocking -- --port 6000 --max-waiting 4
 *   nc localhost 5000                                         # or: npm run client
 *
 * `--help` lists every setting. SIGTERM or Ctrl-C stops it cleanly.
 *
 * What it shares with the threaded server (settings, logs, sessions, metrics, the live view,
 * shutdown) is server-core's; what is its own is the WaitingRoom and the loop at the end.
 */
import { createServer, type Socket } from 'node:net'
import { runMain } from '@echolab/cli'
import {
  connections,
  descriptorBudget,
  listen,
  oneThreadWatch,
  ServerMetrics,
  ServerProgram,
  SessionHost,
} from '@echolab/server-core'
import { SETTINGS } from './settings.ts'
import { WaitingRoom } from './waiting-room.ts'

const SERVICE = 'server-blocking'

runMain(SERVICE, async () => {
  const program = await ServerProgram.start(SERVICE, SETTINGS, `Usage: ${SERVICE} [options]`)
  if (program === undefined) return // --help
  const { config, log } = program
  const metrics = new ServerMetrics()
  const metricsRow = metrics.row(0)
  const { watch, hub } = oneThreadWatch(SERVICE, 'one-at-a-time', () => waitingRoom.connections())
  const descriptors = descriptorBudget(log)
  const waitingRoom = new WaitingRoom({
    maxWaiting: config.maxWaiting,
    log,
    metricsRow,
    watch,
    descriptors,
  })
  // Move on once the client has its last bytes, even if it keeps its side open (nc does).
  const host = new SessionHost({
    config,
    log,
    metricsRow,
    watch,
    session: { reportOnFinish: true },
  })

  const server = createServer({ allowHalfOpen: true, noDelay: true })
  const stopAccepting = new AbortController()
  let waitersTold = Promise.resolve()
  const shutdown = program.shutdown({
    state: () => ({ waiting: waitingRoom.waiting }),
    stopAccepting: () => {
      stopAccepting.abort()
      server.close()
      waitersTold = waitingRoom.close()
    },
    drain: async (graceMs) => {
      await host.sessions.drain(graceMs)
      await waitersTold // they read their line (or were cut off) before the process exits
    },
    endNow: () => host.sessions.end(),
  })
  await program.serveMetrics({ snapshot: () => metrics.snapshot(host.sessions.size), watch: hub })
  const { address, port } = await listen(server, config)
  const { maxWaiting } = config
  log.info({ address, port, maxWaiting, descriptorLimit: descriptors.limit }, 'listening')
  shutdown.serving()

  // The one being served is the one the waiting room let in last. It is the only session, so it
  // has ended once none is left.
  const serve = (socket: Socket) => {
    host.serve(socket, waitingRoom.currentId)
    return host.sessions.whenEmpty()
  }

  // The lab's loop: wait for a connection, serve it to the end, take the next one.
  const accepting = { queue: waitingRoom, signal: stopAccepting.signal }
  for await (const socket of connections(server, accepting)) await serve(socket)
})
