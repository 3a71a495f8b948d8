/**
 * A session with its logs and metrics: what both servers do with a connection once it is their
 * turn. The session code knows nothing of either; this glue counts the session and its messages,
 * adds the per-message preview (within the message log budget) and the one "session ended" line
 * with what the session reported.
 */
import type { Socket } from 'node:net'
import { preview } from '@echolab/protocol'
import type { Logger } from 'pino'
import type { MessageLogBudget } from './logs/message-log-budget.ts'
import type { MetricsRow } from './metrics/server-metrics.ts'
import { type SessionOptions, type SessionReport, serveSession } from './session.ts'
import type { ConnectionWatch } from './watch/connection-watch.ts'

export interface ServeOptions {
  /**
   * The thread's logger; each line gets the connection id (`conn`) here. Not a child logger per
   * connection: pino's children cost a held connection about 200 bytes for one field.
   */
  log: Logger
  session: Omit<SessionOptions, 'onMessage' | 'signal'>
  budget: MessageLogBudget
  /** Aborted when the server's shutdown grace period is over. */
  signal: AbortSignal
  /** This thread's metrics row. */
  metricsRow: MetricsRow
  /** This thread's live view; it does nothing while nobody watches. */
  watch?: ConnectionWatch | undefined
}

/**
 * Serves the connection `conn` (its id, as in its log lines) on `socket`. `options` are the
 * thread's, one object for every connection (SessionHost holds it).
 */
// Not an async function: a generator and an await per connection, alive for the whole session,
// cost a held connection more than the session's own state (README of server-threaded, "Memory").
export function serveConnection(
  socket: Socket,
  conn: number,
  options: ServeOptions,
): Promise<SessionReport> {
  const { log, budget, metricsRow, watch } = options
  // Asked once per session, not once per message: the level does not change while serving.
  const logsMessages = log.isLevelEnabled('info')
  metricsRow.connected()
  const served = serveSession(socket, {
    ...options.session,
    signal: options.signal,
    onMessage: (message) => {
      metricsRow.message(message.length)
      // One budget for logs and live previews: a watcher sees the messages the log shows.
      let text: string | undefined
      if ((logsMessages || watch?.watched) && budget.take()) {
        text = preview(message)
        if (logsMessages) log.info({ conn, bytes: message.length, text }, 'message')
      }
      watch?.message(conn, message.length, text)
    },
  })
  return served.then((report) => {
    metricsRow.ended(report)
    watch?.ended(conn, report.reason)
    const { error, durationMs, ...counts } = report
    const fields = { conn, ...counts, durationMs: Math.round(durationMs) }
    // A reset is routine at the edge of a network (STYLE.md principle 11); anything else is a bug.
    if (report.reason === 'error') log.error({ ...fields, err: error }, 'session ended')
    else log.info(fields, 'session ended')
    return report
  })
}
