/**
 * A session with its logs and metrics: what both servers do with a connection once it is their
 * turn. The session code knows nothing of either; this glue counts the session and its messages,
 * adds the per-message preview (within the message log budget) and the one "session ended" line
 * with what the session reported, and keeps the thread's LiveSessions up to date.
 */
import type { Socket } from 'node:net'
import { preview } from '@echolab/protocol'
import type { Logger } from 'pino'
import type { MessageLogBudget } from './logs/message-log-budget.ts'
import type { MetricsRow } from './metrics/server-metrics.ts'
import {
  type SessionEvents,
  type SessionOptions,
  type SessionReport,
  serveSession,
} from './session.ts'
import type { LiveSessions } from './shutdown/live-sessions.ts'
import type { ConnectionWatch } from './watch/connection-watch.ts'

interface ServeOptions {
  /**
   * The thread's logger; each line gets the connection id (`conn`) here. Not a child logger per
   * connection: pino's children cost a held connection about 200 bytes for one field.
   */
  log: Logger
  session: Omit<SessionOptions, 'signal'>
  budget: MessageLogBudget
  /** This thread's metrics row. */
  metricsRow: MetricsRow
  /** This thread's live view; it does nothing while nobody watches. */
  watch?: ConnectionWatch | undefined
  /** This thread's sessions: each is in it until it has ended and logged; its signal ends them. */
  sessions: LiveSessions
  /** Called with each session's socket once it has ended and logged: one function for all. */
  onEnded?: ((socket: Socket) => void) | undefined
}

/**
 * Serves the connections of one thread (its SessionHost holds it): one of these per thread, and
 * per connection nothing but the session. It hears every session's events itself (SessionEvents), by connection id: no
 * closure, options object or promise per connection (README of server-threaded, "Memory").
 */
export class ConnectionServer implements SessionEvents<Socket> {
  readonly #log: Logger
  readonly #session: SessionOptions
  readonly #budget: MessageLogBudget
  readonly #metricsRow: MetricsRow
  readonly #watch: ConnectionWatch | undefined
  readonly #sessions: LiveSessions
  readonly #onEnded: ((socket: Socket) => void) | undefined
  // Asked once, not once per message: the level does not change while serving.
  readonly #logsMessages: boolean

  constructor(options: ServeOptions) {
    this.#log = options.log
    this.#session = { ...options.session, signal: options.sessions.signal }
    this.#budget = options.budget
    this.#metricsRow = options.metricsRow
    this.#watch = options.watch
    this.#sessions = options.sessions
    this.#onEnded = options.onEnded
    this.#logsMessages = options.log.isLevelEnabled('info')
  }

  /** Serves the connection `conn` (its id in the log lines) on `socket` until its session ends. */
  serve(socket: Socket, conn: number): void {
    this.#metricsRow.connected()
    // Before the session starts: a connection already closed ends it at once.
    this.#sessions.add(socket, conn)
    serveSession(socket, conn, this.#session, this)
  }

  message(conn: number, message: Buffer): void {
    this.#metricsRow.message(message.length)
    const watch = this.#watch
    // One budget for logs and live previews: a watcher sees the messages the log shows.
    let text: string | undefined
    if ((this.#logsMessages || watch?.watched) && this.#budget.take()) {
      text = preview(message)
      if (this.#logsMessages) this.#log.info({ conn, bytes: message.length, text }, 'message')
    }
    watch?.message(conn, message.length, text)
  }

  ended(conn: number, socket: Socket, report: SessionReport): void {
    this.#metricsRow.ended(report)
    this.#watch?.ended(conn, report.reason)
    const { error, durationMs, ...counts } = report
    const fields = { conn, ...counts, durationMs: Math.round(durationMs) }
    // A reset is routine at the edge of a network (STYLE.md principle 11); anything else is a bug.
    if (report.reason === 'error') this.#log.error({ ...fields, err: error }, 'session ended')
    else this.#log.info(fields, 'session ended')
    this.#sessions.delete(socket)
    this.#onEnded?.(socket)
  }
}
