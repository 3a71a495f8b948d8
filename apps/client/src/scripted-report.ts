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

export interface ScriptReport {
  retrying(error: Error, attempt: number): void
  connected(host: string, port: number, attempts: number, elapsedMs: number): void
  /** The first message has had no reply for `afterMs`: the server is serving someone else. */
  waitingInLine(afterMs: number): void
  /** The first reply came after we were told to be waiting in line. */
  turnCame(waitedMs: number): void
  outcome(outcome: ReplyOutcome): void
  noReply(sent: SentMessage, timeoutMs: number): void
  dropped(reason: CloseReason, unanswered: number): void
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
    connected(host, port) {
      out.write(`connected to ${host}:${port}\n`)
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
    dropped(reason, unanswered) {
      const what =
        reason.kind === 'closed'
          ? 'the server closed the connection'
          : `connection lost: ${reason.detail}`
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
    connected(host, port, attempts, elapsedMs) {
      emit('connected', { host, port, attempts, connectMs: ms(elapsedMs) })
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
    dropped(reason, unanswered) {
      emit('dropped', {
        reason: reason.kind === 'closed' ? 'closed by the server' : reason.detail,
        unanswered,
      })
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
