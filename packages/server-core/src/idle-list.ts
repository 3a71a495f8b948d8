/**
 * The sessions of one thread that share an idle timeout, in the order they will time out, and one
 * timer for all of them. A session that gets a message moves to the back with a new deadline, so
 * the front is always the next to expire and the one timer waits for it: what Node's own timer
 * lists do inside, without the `Timeout` object (and the array of its argument) that each
 * session would otherwise keep, about 0.2 KiB a held connection (apps/server-threaded README,
 * "Memory"). Deadlines are whole milliseconds, as a timer's are.
 *
 * The list is intrusive: an entry carries its own links, so being in it costs nothing more.
 */
export interface IdleEntry {
  idlePrev: IdleEntry | null
  idleNext: IdleEntry | null
  /** When it times out, in whole ms of `performance.now()`; -1 while it is not in a list. */
  idleDeadline: number
}

export class IdleList<T extends IdleEntry> {
  readonly timeoutMs: number
  readonly #expire: (entry: T) => void
  readonly #now: () => number
  #head: T | null = null
  #tail: T | null = null
  // Set for the front's deadline or earlier (an entry that left the front): then it sets itself again.
  #timer: NodeJS.Timeout | undefined
  readonly #onTimer = (): void => this.#expireDue()

  /** `expire` is called with each entry whose time is up, after it has left the list. */
  constructor(
    timeoutMs: number,
    expire: (entry: T) => void,
    now = performance.now.bind(performance),
  ) {
    this.timeoutMs = timeoutMs
    this.#expire = expire
    this.#now = now
  }

  /** Starts `entry`'s countdown again, from now (it joins the list if it was not in it). */
  touch(entry: T): void {
    const deadline = Math.ceil(this.#now()) + this.timeoutMs
    entry.idleDeadline = deadline
    if (this.#tail !== entry) {
      this.#unlink(entry)
      entry.idlePrev = this.#tail
      if (this.#tail === null) this.#head = entry
      else this.#tail.idleNext = entry
      this.#tail = entry
    }
    if (this.#timer === undefined) this.#setTimer(deadline)
  }

  /** Takes `entry` out of the list: its countdown stops. Harmless if it is not in it. */
  remove(entry: T): void {
    if (entry.idleDeadline < 0) return
    this.#unlink(entry)
    entry.idleDeadline = -1
    if (this.#head === null) this.#clearTimer()
  }

  #unlink(entry: T): void {
    const { idlePrev: prev, idleNext: next } = entry
    if (prev === null) {
      if (this.#head === entry) this.#head = next as T | null
    } else prev.idleNext = next
    if (next === null) {
      if (this.#tail === entry) this.#tail = prev as T | null
    } else next.idlePrev = prev
    entry.idlePrev = null
    entry.idleNext = null
  }

  #expireDue(): void {
    this.#timer = undefined
    // Read once: an entry touched while others expire gets a deadline past it, so this ends.
    const now = this.#now()
    try {
      let head = this.#head
      while (head !== null && head.idleDeadline <= now) {
        this.remove(head)
        this.#expire(head)
        head = this.#head
      }
    } finally {
      // Also after a throw: the entries left must still time out.
      const head = this.#head
      if (head !== null && this.#timer === undefined) this.#setTimer(head.idleDeadline)
    }
  }

  #setTimer(deadline: number): void {
    // The timer's clock (the event loop's) can lag performance.now() by a fraction of a
    // millisecond: a timer that fires early finds nothing due and sets itself again.
    const delay = Math.max(1, deadline - this.#now())
    this.#timer = setTimeout(this.#onTimer, delay).unref()
  }

  #clearTimer(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
