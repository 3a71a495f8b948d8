/**
 * Keeps per-message logging visible for people and cheap under load: up to `perSecond` message
 * lines are logged each second (a person typing never reaches that), and the rest are only
 * counted and reported once, when the second is over. Without it, logging would cost more than
 * echoing.
 *
 * The second is a timer, not a clock read per message: at a million messages a second, asking
 * the time for each one would cost more than everything else the server adds. A window opens
 * with the first message after a quiet spell and closes one second later.
 */
import type { Logger } from 'pino'

export class MessageLogBudget {
  /** A thread's budget, shared by its sessions; what it holds back is logged on `log`. */
  static loggingTo(log: Logger, perSecond: number): MessageLogBudget {
    return new MessageLogBudget(perSecond, (notLogged) => {
      log.info({ notLogged }, 'more messages in the last second than the message log budget')
    })
  }

  readonly perSecond: number
  readonly #onSuppressed: (count: number) => void
  #used = 0
  #suppressed = 0
  #windowOpen = false

  /** `onSuppressed` is called when a second ends with how many messages were not logged in it. */
  constructor(perSecond: number, onSuppressed: (count: number) => void) {
    this.perSecond = perSecond
    this.#onSuppressed = onSuppressed
  }

  /** Whether this message may be logged. */
  take(): boolean {
    if (!this.#windowOpen) this.#openWindow()
    if (this.#used < this.perSecond) {
      this.#used++
      return true
    }
    this.#suppressed++
    return false
  }

  #openWindow(): void {
    this.#windowOpen = true
    // Unref'd: a budget window never keeps a server that is done from exiting.
    setTimeout(this.#closeWindow, 1000).unref()
  }

  #closeWindow = (): void => {
    const suppressed = this.#suppressed
    this.#windowOpen = false
    this.#used = 0
    this.#suppressed = 0
    if (suppressed > 0) this.#onSuppressed(suppressed)
  }
}
