/**
 * Scripted mode, what the client containers run (DESIGN.md, "The client"): connect (retrying
 * while the server starts), send the messages, by default each after the previous reply, check
 * every reply byte for byte, end with `sair`, print a summary. Exit 0 only if every message got
 * its exact reply.
 */
import { isQuitWord } from '@echolab/protocol'
import { reach, UnreachableError } from './connect.ts'
import { LineConnection } from './line-connection.ts'
import { ReplyTracker } from './reply-tracker.ts'
import type { ScriptReport } from './scripted-report.ts'
import { CLIENT_DEFAULTS, type ScriptConfig } from './settings.ts'
import { RoundTrips, summarise } from './summary.ts'

export const EXIT_OK = 0
export const EXIT_FAILURE = 1

type Messages = AsyncIterable<Buffer> | Iterable<Buffer>

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const

export async function runScripted(
  config: ScriptConfig,
  messages: Messages,
  report: ScriptReport,
): Promise<number> {
  const connected = await reach(config, report.retrying)
  if (connected instanceof UnreachableError) {
    report.unreachable(connected)
    return EXIT_FAILURE
  }
  report.connected(config.host, config.port, connected.attempts, connected.elapsedMs)

  const tracker = new ReplyTracker()
  const roundTrips = new RoundTrips()
  const stop = new AbortController()
  let wrongReplies = 0
  let firstReplyMs: number | null = null
  let failed = false
  let serverEndedSession = false
  let leaving = false
  // A blocking server accepts us at once but answers only in our turn (DESIGN.md, experiment 2):
  // a slow first reply means we are waiting in line; once it comes, say how long the turn took.
  let waitingInLine = false
  let lineTimer: NodeJS.Timeout | undefined

  const connection = new LineConnection(connected.socket, {
    onLine(line) {
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
      if (outcome.kind === 'server-error') {
        serverEndedSession = true
        stop.abort()
      }
    },
    onClose(reason) {
      if (leaving) return
      if (!serverEndedSession) report.dropped(reason, tracker.pending.length)
      failed = true
      stop.abort()
    },
  })

  // Once a reply has timed out the server is not answering: wait no more, just leave.
  let gaveUpWaiting = false
  const waitForReplies = async (): Promise<boolean> => {
    const outcome = await repliesOrTimeout(tracker, config.replyTimeoutMs, stop.signal)
    if (outcome === 'timeout') {
      report.noReply(tracker.pending[0]!, config.replyTimeoutMs)
      failed = true
      gaveUpWaiting = true
    }
    return outcome === 'answered'
  }

  // Ctrl-C or `docker stop`: stop sending, but still leave with sair and print the summary.
  const interrupt = (signal: NodeJS.Signals): void => {
    report.interrupted(signal)
    failed = true
    stop.abort()
  }
  for (const signal of STOP_SIGNALS) process.once(signal, interrupt)

  const iterator = toAsyncIterator(messages)
  try {
    for (;;) {
      const next = await untilStopped(iterator.next(), stop.signal)
      if (next === STOPPED || next.done || isQuitWord(next.value)) break
      if (tracker.sentCount > 0 && !(await pause(config.intervalMs, stop.signal))) break
      tracker.sent(next.value)
      if (tracker.sentCount === 1) {
        lineTimer = setTimeout(() => {
          waitingInLine = true
          report.waitingInLine(CLIENT_DEFAULTS.busyNoticeMs)
        }, CLIENT_DEFAULTS.busyNoticeMs).unref()
      }
      await connection.send(next.value)
      if (!config.noWait && !(await waitForReplies())) break
    }
    if (!gaveUpWaiting) await waitForReplies()
  } catch (error) {
    report.inputFailed(error as Error)
    failed = true
  }

  if (connection.isOpen) {
    leaving = true
    // A server that stopped answering will not close in time either: say sair and go.
    if (gaveUpWaiting) await connection.quit(0)
    else report.left(await connection.quit(CLIENT_DEFAULTS.quitCloseWaitMs))
  }
  clearTimeout(lineTimer)
  for (const signal of STOP_SIGNALS) process.off(signal, interrupt)
  const missingReplies = tracker.pending.length
  const ok = !failed && missingReplies === 0
  report.summary(
    summarise({
      messages: tracker.sentCount,
      roundTrips,
      wrongReplies,
      missingReplies,
      firstReplyMs,
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
