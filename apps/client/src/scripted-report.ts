/**
 * How scripted mode tells what happened: text for people and container logs (replies on stdout,
 * problems on stderr), or with --json one JSON object per line on stdout, one per event.
 */
import type { Writable } from 'node:stream'
import { describeSocketError } from './connect.ts'
import { formatDuration, showBytes, styleFor } from './display.ts'
import type { CloseReason } from './line-connection.ts'
import { expectedReply, type ReplyOutcome, type SentMessage } from './reply-tracker.ts'
import { formatSummary, type Summary } from './summary.ts'

/** Why a connection ended without our `sair`: it closed or broke, or the server said it was going. */
export type LossReason = CloseReason | { kind: 'shutting-down' }

export interface ScriptReport {
  retrying(error: Error, attempt: number): void
  /** `reconnection`: 0 for the first connection, then 1, 2, ... */
  connected(
    host: string,
    port: number,
    attempts: number,
    elapsedMs: number,
    reconnection: number,
  ): void
  /** The first message has had no reply for `afterMs`: the server is serving someone else. */
  waitingInLine(afterMs: number): void
  /** The first reply came after we were told to be waiting in line. */
  turnCame(waitedMs: number): void
  outcome(outcome: ReplyOutcome): void
  noReply(sent: SentMessage, timeoutMs: number): void
  /** The connection is gone and we connect again: the `reconnection`th of at most `most`. */
  reconnecting(reason: LossReason, unanswered: number, reconnection: number, most: number): void
  /** The connection is gone for good (no reconnection left): the run fails. */
  dropped(reason: LossReason, unanswered: number): void
  inputFailed(error: Error): void
  interrupted(signal: NodeJS.Signals): void
  /** After `sair`: whether the server closed the connection itself. */
  left(closedByServer: boolean): void
  unreachable(error: Error): void
  summary(summary: Summary): void
}

const ms = (value: number): number => Math.round(value * 1000) / 1000

export function textReport(
  out: Writable & { isTTY?: boolean },
  err: Writable & { isTTY?: boolean },
): ScriptReport {
  const style = styleFor(err)
  const outStyle = styleFor(out)
  const problem = (text: string): void => {
    err.write(`${style.error('error:')} ${text}\n`)
  }
  return {
    retrying(error, attempt) {
      if (attempt === 1) err.write(`waiting for the server (${describeSocketError(error)})…\n`)
    },
    connected(host, port, _attempts, _elapsedMs, reconnection) {
      out.write(`${reconnection === 0 ? 'connected' : 'reconnected'} to ${host}:${port}\n`)
    },
    waitingInLine(afterMs) {
      out.write(
        `${outStyle.notice(`waiting in line: no reply after ${formatDuration(afterMs)}, the server is serving another client`)}\n`,
      )
    },
    turnCame(waitedMs) {
      out.write(
        `${outStyle.notice(`our turn: the first reply came after ${formatDuration(waitedMs)}`)}\n`,
      )
    },
    outcome(outcome) {
      switch (outcome.kind) {
        case 'echo':
          out.write(`${showBytes(outcome.reply)}  (${formatDuration(outcome.roundTripMs)})\n`)
          break
        case 'wrong':
          problem(
            `wrong reply to message ${outcome.sent.n}: expected "${showBytes(expectedReply(outcome.sent.message))}", got "${showBytes(outcome.reply)}"`,
          )
          break
        case 'server-error':
          problem(`the server says: ${showBytes(outcome.reply)}`)
          break
        case 'unexpected':
          problem(`unexpected line from the server: "${showBytes(outcome.reply)}"`)
      }
    },
    noReply(sent, timeoutMs) {
      problem(`no reply to message ${sent.n} within ${timeoutMs} ms`)
    },
    reconnecting(reason, unanswered, reconnection, most) {
      const resend = unanswered > 0 ? `, sending ${unanswered} unanswered again` : ''
      err.write(`${describeLoss(reason)}: reconnecting (${reconnection} of ${most})${resend}…\n`)
    },
    dropped(reason, unanswered) {
      const what = describeLoss(reason)
      problem(unanswered > 0 ? `${what} (${unanswered} unanswered)` : what)
    },
    inputFailed(error) {
      problem(`cannot read messages: ${error.message}`)
    },
    interrupted(signal) {
      problem(`stopped by ${signal}`)
    },
    left(closedByServer) {
      if (!closedByServer) problem('the server did not close the connection after sair; closed it')
    },
    unreachable(error) {
      problem(error.message)
    },
    summary(summary) {
      out.write(`${formatSummary(summary)}\n`)
    },
  }
}

export function jsonReport(out: Writable): ScriptReport {
  const emit = (event: string, fields: Record<string, unknown>): void => {
    out.write(`${JSON.stringify({ event, ...fields })}\n`)
  }
  return {
    retrying(error, attempt) {
      emit('retrying', { attempt, reason: describeSocketError(error) })
    },
    connected(host, port, attempts, elapsedMs, reconnection) {
      emit('connected', { host, port, attempts, connectMs: ms(elapsedMs), reconnection })
    },
    waitingInLine(afterMs) {
      emit('waiting-in-line', { afterMs })
    },
    turnCame(waitedMs) {
      emit('turn', { waitedMs: ms(waitedMs) })
    },
    outcome(outcome) {
      switch (outcome.kind) {
        case 'echo':
        case 'wrong':
          emit('reply', {
            n: outcome.sent.n,
            message: outcome.sent.message.toString(),
            reply: outcome.reply.toString(),
            roundTripMs: ms(outcome.roundTripMs),
            ok: outcome.kind === 'echo',
            ...(outcome.kind === 'wrong'
              ? { expected: expectedReply(outcome.sent.message).toString() }
              : {}),
          })
          break
        case 'server-error':
          emit('server-error', { line: outcome.reply.toString() })
          break
        case 'unexpected':
          emit('unexpected', { line: outcome.reply.toString() })
      }
    },
    noReply(sent, timeoutMs) {
      emit('no-reply', { n: sent.n, timeoutMs })
    },
    reconnecting(reason, unanswered, reconnection, most) {
      emit('reconnecting', { reason: lossInJson(reason), unanswered, reconnection, of: most })
    },
    dropped(reason, unanswered) {
      emit('dropped', { reason: lossInJson(reason), unanswered })
    },
    inputFailed(error) {
      emit('input-failed', { reason: error.message })
    },
    interrupted(signal) {
      emit('interrupted', { signal })
    },
    left(closedByServer) {
      emit('left', { closedByServer })
    },
    unreachable(error) {
      emit('unreachable', { reason: error.message })
    },
    summary(summary) {
      emit('summary', { ...summary })
    },
  }
}

/** A lost connection as a person reads it (both modes). */
export function describeLoss(reason: LossReason): string {
  switch (reason.kind) {
    case 'closed':
      return 'the server closed the connection'
    case 'lost':
      return `connection lost: ${reason.detail}`
    case 'broken':
      return reason.detail
    case 'shutting-down':
      return 'the server is shutting down'
  }
}

function lossInJson(reason: LossReason): string {
  switch (reason.kind) {
    case 'closed':
      return 'closed by the server'
    case 'lost':
    case 'broken':
      return reason.detail
    case 'shutting-down':
      return 'server shutting down'
  }
}
