/**
 * What one event loop needs to serve sessions, set up once per thread: the settings' session
 * limits, the message log budget, the metrics row, the live view and the sessions it is serving
 * (LiveSessions, which end them at shutdown). A server then serves a connection with one call,
 * `host.serve(socket, conn)`, and decides only when to make that call: that is its scheduling.
 *
 * Nothing per connection is made here: one ConnectionServer hears every session of the thread,
 * and `onEnded` is one function for all of them: see ConnectionServer for why.
 */
import type { Socket } from 'node:net'
import type { Logger } from './logs/logger.ts'
import { MessageLogBudget } from './logs/message-log-budget.ts'
import type { MetricsRow } from './metrics/server-metrics.ts'
import { ConnectionServer } from './serve-connection.ts'
import { type ServerConfig, sessionLimits } from './server-settings.ts'
import type { SessionOptions } from './session.ts'
import { LiveSessions } from './shutdown/live-sessions.ts'
import type { ConnectionWatch } from './watch/connection-watch.ts'

interface SessionHostOptions {
  config: ServerConfig
  /** The thread's logger: session lines carry their connection id, not a child logger each. */
  log: Logger
  /** This thread's metrics row. */
  metricsRow: MetricsRow
  /** This thread's live view. */
  watch: ConnectionWatch
  /** Session options the settings do not hold (the blocking server's `reportOnFinish`). */
  session?: Pick<SessionOptions, 'reportOnFinish'>
  /** Called with each session's socket once it has ended and logged: one function for all. */
  onEnded?: (socket: Socket) => void
}

export class SessionHost {
  /** The sessions being served; `drain()` and `end()` them at shutdown. */
  readonly sessions = new LiveSessions()
  readonly #connections: ConnectionServer

  constructor({ config, log, metricsRow, watch, session, onEnded }: SessionHostOptions) {
    this.#connections = new ConnectionServer({
      log,
      session: { ...sessionLimits(config), ...session },
      budget: MessageLogBudget.loggingTo(log, config.messageLogsPerSecond),
      metricsRow,
      watch,
      sessions: this.sessions,
      onEnded,
    })
  }

  /**
   * Serves the connection `conn` on `socket` until its session ends; returns at once. The session
   * is in `sessions` until it has ended and logged its `session ended` line; then `onEnded` runs.
   */
  serve(socket: Socket, conn: number): void {
    this.#connections.serve(socket, conn)
  }
}
