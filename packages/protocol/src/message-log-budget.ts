/**
 * Keeps per-message logging visible for people and cheap under load: up to `perSecond` message
 * lines are logged each second (a person typing never reaches that), and the rest are only
 * counted and reported once per second. Without it, logging would cost more than echoing.
 */
export class MessageLogBudget {
  readonly perSecond: number
  #windowStart = 0
  #used = 0
  #suppressed = 0

  constructor(perSecond: number) {
    this.perSecond = perSecond
  }

  /**
   * Whether this message may be logged. When a new one-second window opens, `onSuppressed` is
   * called first with how many were not logged in the last one.
   */
  take(now: number, onSuppressed: (count: number) => void): boolean {
    if (now - this.#windowStart >= 1000) {
      if (this.#suppressed > 0) onSuppressed(this.#suppressed)
      this.#windowStart = now
      this.#used = 0
      this.#suppressed = 0
    }
    if (this.#used < this.perSecond) {
      this.#used++
      return true
    }
    this.#suppressed++
    return false
  }
}
