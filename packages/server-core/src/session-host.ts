/**
 * What one event loop needs to serve sessions, set up once per thread: the settings' session
 * limits, the message log budget, the metrics row, the live view and the sessions it is serving
 * (LiveSessions, which end them at shutdown). A server then serves a connection with one call,
 * `host.serve(socket, conn)`, and decides only when to make that call: that is its scheduling.
 *
 * Nothing per connection is made here: the options handed to serveConnection are one object for
 * the thread, and `onEnded` one function for every session: see serveConnection for why.
 */
import type { Socket } from 'node:net'
import type { Logger } from './logs/logger.ts'
import { MessageLogBudget } from './logs/message-log-budget.ts'
import type { MetricsRow } from './metrics/server-metrics.ts'
import { type ServeOptions, serveConnection } from './serve-connection.ts'
import { type ServerConfig, sessionLimits } from './server-settings.ts'
import type { SessionOptions, SessionReport } from './session.ts'
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
  readonly #serving: ServeOptions
  readonly #onEnded: ((socket: Socket) => void) | undefined

  constructor({ config, log, metricsRow, watch, session, onEnded }: SessionHostOptions) {
    this.#serving = {
      log,
      session: { ...sessionLimits(config), ...session },
      budget: MessageLogBudget.loggingTo(log, config.messageLogsPerSecond),
      signal: this.sessions.signal,
      metricsRow,
      watch,
    }
    this.#onEnded = onEnded
  }

  /**
   * Serves the connection `conn` on `socket` to its end; settles once the session has ended,
   * logged its `session ended` line and `onEnded` has run.
   */
  serve(socket: Socket, conn: number): Promise<SessionReport> {
    const served = serveConnection(socket, conn, this.#serving)
    return this.sessions.track(socket, served, this.#onEnded)
  }
}
