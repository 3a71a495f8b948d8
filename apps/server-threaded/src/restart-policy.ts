/**
 * When to replace a crashed worker, and when to give up (STYLE.md principle 12: log, back off,
 * replace). A crash now and then is survived; crashes that keep coming are a bug that replacing
 * workers cannot fix, so the server stops with an error instead of looping forever.
 */

interface SupervisionOptions {
  crashWindowMs: number
  maxCrashesInWindow: number
  firstRestartDelayMs: number
  maxRestartDelayMs: number
}

export const SUPERVISION_DEFAULTS: Readonly<SupervisionOptions> = Object.freeze({
  /** Crashes older than this are forgotten: one a day is bad luck, not a loop. */
  crashWindowMs: 60_000,
  /** This many crashes within the window (any thread) stop the server. */
  maxCrashesInWindow: 5,
  /** The first replacement comes quickly: the other threads carry the load meanwhile. */
  firstRestartDelayMs: 100,
  /** Each further crash in the window doubles the delay, up to this. */
  maxRestartDelayMs: 5_000,
})

export class RestartPolicy {
  readonly options: SupervisionOptions
  #crashes: number[] = []

  constructor(options: SupervisionOptions = SUPERVISION_DEFAULTS) {
    this.options = options
  }

  /** Crashes counted in the window that ends at `now`. */
  recentCrashes(now: number): number {
    this.#forgetBefore(now - this.options.crashWindowMs)
    return this.#crashes.length
  }

  /** Records a crash at `now`: how long to wait before replacing the worker, or null to give up. */
  onCrash(now: number): number | null {
    this.#crashes.push(now)
    const crashes = this.recentCrashes(now)
    const { maxCrashesInWindow, firstRestartDelayMs, maxRestartDelayMs } = this.options
    if (crashes >= maxCrashesInWindow) return null
    return Math.min(firstRestartDelayMs * 2 ** (crashes - 1), maxRestartDelayMs)
  }

  #forgetBefore(oldest: number): void {
    while (this.#crashes.length > 0 && this.#crashes[0]! <= oldest) this.#crashes.shift()
  }
}
