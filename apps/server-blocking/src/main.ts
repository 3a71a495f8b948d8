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
 */
import { createServer, type Socket } from 'node:net'
import { threadId } from 'node:worker_threads'
import { describeSettings, loadConfig, runMain } from '@echolab/cli'
import {
  ConnectionWatch,
  checkServerConfig,
  clientsThatFit,
  connections,
  createLogger,
  DescriptorShortage,
  descriptorLimit,
  LiveSessions,
  listen,
  MessageLogBudget,
  resolveLogFormat,
  ServerMetrics,
  Shutdown,
  serveConnection,
  serveMetrics,
  sessionLimits,
  stdoutSink,
  WatchHub,
} from '@echolab/server-core'
import { SETTINGS } from './settings.ts'
import { WaitingRoom } from './waiting-room.ts'

const SERVICE = 'server-blocking'

runMain(SERVICE, async () => {
  const loaded = loadConfig(SETTINGS, { asks: { help: 'h' } })
  if (loaded.asked !== undefined) {
    process.stdout.write(`Usage: ${SERVICE} [options]\n\n${describeSettings(SETTINGS)}\n`)
    return
  }
  const { config } = loaded
  checkServerConfig(config)
  const sink = await stdoutSink(resolveLogFormat(config.logFormat))
  const log = createLogger({ service: SERVICE, level: config.logLevel, sink })
  const metrics = new ServerMetrics()
  const metricsRow = metrics.row(0)

  const server = createServer({ allowHalfOpen: true, noDelay: true })
  // The live view (issue 14): one thread, so the hub takes the batches directly.
  const watch: ConnectionWatch = new ConnectionWatch({
    thread: threadId,
    describe: () => waitingRoom.connections(),
    send: (batch) => hub.receive(batch),
  })
  const hub = new WatchHub({
    server: SERVICE,
    scheduling: 'one-at-a-time',
    threads: () => [threadId],
    setWatched: (on) => watch.watch(on),
    requestSnapshot: (request) => watch.snapshot(request),
  })
  const limit = descriptorLimit()
  const descriptors = { fit: clientsThatFit(limit), shortage: new DescriptorShortage(log, limit) }
  const waitingRoom = new WaitingRoom({
    maxWaiting: config.maxWaiting,
    log,
    metricsRow,
    watch,
    descriptors,
  })
  const sessions = new LiveSessions()
  const stopAccepting = new AbortController()
  let waitersTold = Promise.resolve()
  const shutdown = new Shutdown({
    service: SERVICE,
    log,
    sink,
    graceMs: config.shutdownGraceMs,
    state: () => ({ waiting: waitingRoom.waiting }),
    stopAccepting: () => {
      stopAccepting.abort()
      server.close()
      waitersTold = waitingRoom.close()
    },
    drain: async (graceMs) => {
      await sessions.drain(graceMs)
      await waitersTold // they read their line (or were cut off) before the process exits
    },
    endNow: () => sessions.end(),
  })

  await serveMetrics({
    server: SERVICE,
    snapshot: () => metrics.snapshot(sessions.size),
    healthy: () => shutdown.accepting,
    watch: hub,
    host: config.metricsHost,
    port: config.metricsPort,
    log,
  })
  const { address, port } = await listen(server, config)
  log.info({ address, port, maxWaiting: config.maxWaiting, descriptorLimit: limit }, 'listening')
  shutdown.serving()
  const budget = MessageLogBudget.loggingTo(log, config.messageLogsPerSecond)

  async function serve(socket: Socket): Promise<void> {
    const served = serveConnection(socket, {
      log,
      // Move on once the client has its last bytes, even if it keeps its side open (nc does).
      session: { ...sessionLimits(config), reportOnFinish: true },
      budget,
      signal: sessions.signal,
      metricsRow,
      conn: waitingRoom.currentId,
      watch,
    })
    await sessions.track(socket, served)
  }

  // The lab's loop: wait for a connection, serve it to the end, take the next one.
  const accepting = { queue: waitingRoom, signal: stopAccepting.signal }
  for await (const socket of connections(server, accepting)) await serve(socket)
})
