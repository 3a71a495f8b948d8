/**
 * Scripted mode, what the client containers run (DESIGN.md, "The client"): connect (retrying
 * while the server starts), send the messages, by default each after the previous reply, check
 * every reply byte for byte, end with `sair`, print a summary. Exit 0 only if every message got
 * its exact reply.
 *
 * A server that shuts down or drops us does not fail the run (DESIGN.md, "Replicas"): the link
 * connects again, and the messages whose reply never came are sent once more on the new
 * connection, in order. Replies are matched in order within each connection, so a duplicated,
 * reordered or foreign reply is still a wrong one.
 */
import { EchoError, isQuitWord } from '@echolab/protocol'
import { ReplyTracker } from './reply-tracker.ts'
import type { ScriptReport } from './scripted-report.ts'
import { ServerLink } from './server-link.ts'
import { CLIENT_DEFAULTS, type ScriptConfig } from './settings.ts'
import { RoundTrips, summarise } from './summary.ts'

const EXIT_OK = 0
const EXIT_FAILURE = 1

type Messages = AsyncIterable<Buffer> | Iterable<Buffer>

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const
/** The line a server sends before it goes away: a reason to reconnect, not to fail. */
const SHUTTING_DOWN_LINE = EchoError.shuttingDown().wireLine.subarray(0, -1)

export async function runScripted(
  config: ScriptConfig,
  messages: Messages,
  report: ScriptReport,
): Promise<number> {
  // Ctrl-C or `docker stop`, from the first connection attempt on: stop sending (or retrying),
  // but still leave with sair and print the summary.
  const interrupted = new AbortController()
  const interrupt = (signal: NodeJS.Signals): void => {
    report.interrupted(signal)
    interrupted.abort()
  }
  for (const signal of STOP_SIGNALS) process.once(signal, interrupt)
  try {
    return await talk(config, messages, report, interrupted.signal)
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, interrupt)
  }
}

async function talk(
  config: ScriptConfig,
  messages: Messages,
  report: ScriptReport,
  interrupted: AbortSignal,
): Promise<number> {
  const tracker = new ReplyTracker()
  const roundTrips = new RoundTrips()
  // Aborted when the run cannot go on (an Error: line, a lost connection with no reconnection left).
  const ended = new AbortController()
  const stop = AbortSignal.any([interrupted, ended.signal])
  let wrongReplies = 0
  let firstReplyMs: number | null = null
  let failed = false
  let resent = 0
  // A blocking server accepts us at once but answers only in our turn (DESIGN.md, experiment 2):
  // a slow first reply means we are waiting in line; once it comes, say how long the turn took.
  let waitingInLine = false
  let lineTimer: NodeJS.Timeout | undefined

  const link: ServerLink = new ServerLink(
    config,
    report,
    (line) => {
      if (line.equals(SHUTTING_DOWN_LINE)) {
        link.serverShuttingDown()
        return
      }
      const outcome = tracker.receive(line)
      const first = 'sent' in outcome && outcome.sent.n === 1
      if (first) clearTimeout(lineTimer)
      if (first && waitingInLine) report.turnCame(outcome.roundTripMs)
      report.outcome(outcome)
      if (outcome.kind === 'echo' || outcome.kind === 'wrong') {
        if (outcome.sent.n === 1) firstReplyMs = outcome.roundTripMs
        if (outcome.kind === 'echo') roundTrips.add(outcome.roundTripMs)
        else wrongReplies++
      }
      if (outcome.kind === 'echo') return
      failed = true
      if (outcome.kind === 'server-error') ended.abort()
    },
    stop,
  )
  if (!(await link.open())) return EXIT_FAILURE

  /** After a lost connection: the next one, and what was unanswered sent on it. */
  const reconnect = async (): Promise<boolean> => {
    if (!(await link.reconnect(tracker.pending.length))) {
      ended.abort()
      return false
    }
    for (const sent of tracker.resendAll()) {
      resent++
      await link.send(sent.message)
    }
    return true
  }

  // Once a reply has timed out the server is not answering: wait no more, just leave.
  let gaveUpWaiting = false
  const waitForReplies = async (): Promise<boolean> => {
    for (;;) {
      // Nothing owed: a connection lost meanwhile is reopened only if there is more to send.
      if (tracker.pending.length === 0) return !stop.aborted
      const signal = AbortSignal.any([stop, link.lost])
      const outcome = await repliesOrTimeout(tracker, config.replyTimeoutMs, signal)
      if (outcome === 'answered') return true
      if (outcome === 'timeout') {
        report.noReply(tracker.pending[0]!, config.replyTimeoutMs)
        failed = true
        gaveUpWaiting = true
        return false
      }
      if (stop.aborted || !(await reconnect())) return false
    }
  }

  const iterator = toAsyncIterator(messages)
  try {
    for (;;) {
      const next = await untilStopped(iterator.next(), stop)
      if (next === STOPPED || next.done || isQuitWord(next.value)) break
      if (tracker.sentCount > 0 && !(await pause(config.intervalMs, stop))) break
      // Lost while we paused or read the next message: connect again before sending more.
      if (link.isLost && !(await reconnect())) break
      tracker.sent(next.value)
      if (tracker.sentCount === 1) {
        lineTimer = setTimeout(() => {
          waitingInLine = true
          report.waitingInLine(CLIENT_DEFAULTS.busyNoticeMs)
        }, CLIENT_DEFAULTS.busyNoticeMs).unref()
      }
      await link.send(next.value)
      if (!config.noWait && !(await waitForReplies())) break
    }
    if (!gaveUpWaiting) await waitForReplies()
  } catch (error) {
    report.inputFailed(error as Error)
    failed = true
  }

  // A server that stopped answering will not close in time either: say sair and go.
  const closedByServer = await link.leave(gaveUpWaiting ? 0 : CLIENT_DEFAULTS.quitCloseWaitMs)
  if (closedByServer !== undefined && !gaveUpWaiting) report.left(closedByServer)
  clearTimeout(lineTimer)
  const missingReplies = tracker.pending.length
  const ok = !failed && !stop.aborted && missingReplies === 0
  report.summary(
    summarise({
      messages: tracker.sentCount,
      roundTrips,
      wrongReplies,
      missingReplies,
      firstReplyMs,
      reconnections: link.reconnections,
      resent,
      ok,
    }),
  )
  return ok ? EXIT_OK : EXIT_FAILURE
}

const STOPPED = Symbol('stopped')

/** `promise`, or STOPPED as soon as `signal` aborts. */
function untilStopped<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof STOPPED> {
  if (signal.aborted) return Promise.resolve(STOPPED)
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(STOPPED)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

/** Waits `ms` (the --interval); false if stopped meanwhile. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms === 0) return !signal.aborted
  let timer: NodeJS.Timeout | undefined
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  const outcome = await untilStopped(elapsed, signal)
  clearTimeout(timer)
  return outcome !== STOPPED
}

/** Waits until every message sent has its reply, at most `timeoutMs` (0: no limit). */
async function repliesOrTimeout(
  tracker: ReplyTracker,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<'answered' | 'timeout' | 'stopped'> {
  let timer: NodeJS.Timeout | undefined
  const candidates: Promise<'answered' | 'timeout'>[] = [
    tracker.whenAnswered().then(() => 'answered' as const),
  ]
  if (timeoutMs > 0) {
    candidates.push(
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs)
      }),
    )
  }
  const outcome = await untilStopped(Promise.race(candidates), signal)
  clearTimeout(timer)
  return outcome === STOPPED ? 'stopped' : outcome
}

function toAsyncIterator(messages: Messages): AsyncIterator<Buffer> {
  return Symbol.asyncIterator in messages
    ? messages[Symbol.asyncIterator]()
    : (async function* () {
        yield* messages
      })()
}
