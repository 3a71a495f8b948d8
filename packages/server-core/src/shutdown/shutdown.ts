/**
 * The shutdown policy both servers follow (DESIGN.md, "Shutdown"), driven by SIGTERM and SIGINT:
 *
 * - the first signal: stop accepting, let sessions finish within the grace period, tell the rest
 *   `Error: server shutting down`, log "stopped", exit 0;
 * - another signal during that shutdown means "now": the sessions left are told the same line at
 *   once, and the process exits with status 1 (what operators expect of a second Ctrl-C).
 *
 * One Ctrl-C is one request, also under `npm start`: the terminal signals the whole foreground
 * group, and npm forwards the same signal to its child, which `exec`s into the server, so one
 * keypress arrives twice, a few milliseconds apart (seen in tmux). The same signal again within
 * SAME_REQUEST_MS is taken as that same request; a person's deliberate second Ctrl-C comes later.
 *
 * What stopping means is the server's own (closing listeners and a waiting line, or telling
 * worker threads); this class owns the order, the log lines, the exit status and the flush.
 */
import type { Logger, LogSink } from '../logs/logger.ts'

export interface ShutdownOptions {
  /** The program's name, for the one stderr line of `fail()`. */
  service: string
  log: Logger
  sink: LogSink
  graceMs: number
  /** Stops taking connections. Called once, when the shutdown begins. */
  stopAccepting: () => void
  /**
   * Sessions finish within `graceMs`, the rest are told and ended; resolves once every session
   * has ended and logged its `session ended` line.
   */
  drain: (graceMs: number) => Promise<void>
  /** Tells every session left and ends it at once; resolves once their lines are logged. */
  endNow: () => Promise<void>
  /** Fields for the "shutting down" line: who is still connected or waiting. */
  state?: () => Record<string, unknown>
  /**
   * What the policy needs of the process, the process itself unless given (its unit test gives
   * its own): where SIGTERM and SIGINT come from, how it exits, and the clock that tells one
   * request delivered twice from a second one.
   */
  signals?: Pick<NodeJS.EventEmitter, 'on'>
  exit?: (status: number) => void
  now?: () => number
}

type Phase = 'starting' | 'serving' | 'draining' | 'ending-now'

/**
 * A repeat of the signal that started the shutdown, this soon after it, is the same request
 * delivered twice (npm forwarding the terminal's Ctrl-C), not a second one. npm's copy comes
 * within milliseconds; a person pressing Ctrl-C again on purpose takes longer than this.
 */
const SAME_REQUEST_MS = 1_000

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']

export class Shutdown {
  readonly #options: ShutdownOptions
  readonly #exitProcess: (status: number) => void
  readonly #now: () => number
  #phase: Phase = 'starting'
  /** A signal that came before the server was serving: acted on once it is. */
  #early: NodeJS.Signals | null = null
  /** The signal that started the shutdown, and when it came. */
  #first: { signal: NodeJS.Signals; at: number } | null = null

  /**
   * Listens for the signals at once: one that comes the moment "listening" is out must not meet
   * the default action (instant death). Call `serving()` once the server listens.
   */
  constructor(options: ShutdownOptions) {
    this.#options = options
    this.#exitProcess = options.exit ?? ((status) => process.exit(status))
    this.#now = options.now ?? (() => performance.now())
    const signals = options.signals ?? process
    for (const signal of SIGNALS) signals.on(signal, this.#onSignal)
  }

  /** Whether the server takes new clients (for /healthz). */
  get accepting(): boolean {
    return this.#phase === 'serving'
  }

  /** The server listens: from now on a signal starts the shutdown (one that came already does). */
  serving(): void {
    if (this.#phase !== 'starting') return
    this.#phase = 'serving'
    if (this.#early !== null) void this.#begin({ signal: this.#early }, this.#options.graceMs, 0)
  }

  /**
   * Shuts down for a reason that is not a signal (the threaded server's workers keep crashing):
   * no grace period, `reason` as one line on stderr, exit status 1.
   */
  fail(reason: string): void {
    if (this.#phase !== 'serving') return
    void this.#begin({ reason }, 0, 1, () => {
      process.stderr.write(`${this.#options.service}: ${reason}\n`)
    })
  }

  #onSignal = (signal: NodeJS.Signals): void => {
    if (this.#isRepeat(signal)) {
      this.#options.log.debug({ signal }, 'the same signal again at once: one request')
      return
    }
    this.#first ??= { signal, at: this.#now() }
    switch (this.#phase) {
      case 'starting':
        if (this.#early === null) this.#early = signal
        else this.#exit(1) // twice before it even listens: nothing to tell anyone
        return
      case 'serving':
        void this.#begin({ signal }, this.#options.graceMs, 0)
        return
      case 'draining':
        void this.#endNow(signal)
        return
      case 'ending-now':
        return // already as fast as it gets
    }
  }

  #isRepeat(signal: NodeJS.Signals): boolean {
    const first = this.#first
    return first?.signal === signal && this.#now() - first.at < SAME_REQUEST_MS
  }

  async #begin(
    why: Record<string, unknown>,
    graceMs: number,
    exitStatus: number,
    beforeExit?: () => void,
  ): Promise<void> {
    const { log, stopAccepting, drain, state } = this.#options
    this.#phase = 'draining'
    log.info({ ...why, graceMs, ...state?.() }, 'shutting down')
    stopAccepting()
    await drain(graceMs)
    // A second signal took over meanwhile: it decides how the process exits.
    if (this.#phase !== 'draining') return
    beforeExit?.()
    this.#exit(exitStatus)
  }

  async #endNow(signal: NodeJS.Signals): Promise<void> {
    const { log, endNow, state } = this.#options
    this.#phase = 'ending-now'
    log.warn({ signal, ...state?.() }, 'second signal: stopping now')
    await endNow()
    this.#exit(1)
  }

  #exit(status: number): void {
    this.#options.log.info({ exitStatus: status }, 'stopped')
    this.#options.sink.flushSync()
    this.#exitProcess(status)
  }
}
