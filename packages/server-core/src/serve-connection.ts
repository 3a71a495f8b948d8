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

export interface ServeOptions {
  /** A child logger that already carries the connection id and peer. */
  log: Logger
  session: Omit<SessionOptions, 'onMessage' | 'signal'>
  budget: MessageLogBudget
  /** Aborted when the server's shutdown grace period is over. */
  signal: AbortSignal
  /** This thread's metrics row. */
  metricsRow: MetricsRow
}

export async function serveConnection(
  socket: Socket,
  options: ServeOptions,
): Promise<SessionReport> {
  const { log, budget, metricsRow } = options
  // Asked once per session, not once per message: the level does not change while serving.
  const logsMessages = log.isLevelEnabled('info')
  metricsRow.connected()
  const report = await serveSession(socket, {
    ...options.session,
    signal: options.signal,
    onMessage: (message) => {
      metricsRow.message(message.length)
      if (logsMessages && budget.take()) {
        log.info({ bytes: message.length, text: preview(message) }, 'message')
      }
    },
  })
  metricsRow.ended(report)
  const { error, durationMs, ...counts } = report
  const fields = { ...counts, durationMs: Math.round(durationMs) }
  // A reset is routine at the edge of a network (STYLE.md principle 11); anything else is a bug.
  if (report.reason === 'error') log.error({ ...fields, err: error }, 'session ended')
  else log.info(fields, 'session ended')
  return report
}
