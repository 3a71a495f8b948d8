/**
 * The sessions one event loop is serving, and how they end at shutdown (DESIGN.md, "Shutdown"):
 * they get the grace period to finish; the ones left are told `Error: server shutting down`, get
 * `LINGERS.toldClientMs` to read it and hang up, and are then cut off. Either way each session
 * has ended, and logged its `session ended` line, before `drain()` or `end()` resolves.
 *
 * The blocking server has one of these (it serves at most one session at a time), each worker of
 * the threaded server has its own.
 */
import type { Socket } from 'node:net'
import { LINGERS } from '../lingers.ts'

export class LiveSessions {
  readonly #told = new AbortController()
  /** Each live session's socket, and the promise that settles once it has ended and logged. */
  readonly #sessions = new Map<Socket, Promise<unknown>>()
  readonly #whenEmpty = new Set<() => void>()

  /** Aborted when the sessions left are told the server is shutting down: give it to each session. */
  get signal(): AbortSignal {
    return this.#told.signal
  }

  get size(): number {
    return this.#sessions.size
  }

  /**
   * Tracks the session on `socket` until `served` settles, then calls `onEnded(socket)`; returns a
   * promise that settles as `served` does, once `onEnded` has run. One `onEnded` can serve every
   * session: nothing per connection but the session.
   */
  track<T>(socket: Socket, served: Promise<T>, onEnded?: (socket: Socket) => void): Promise<T> {
    const done = served.finally(() => {
      this.#sessions.delete(socket)
      onEnded?.(socket)
      if (this.#sessions.size === 0) for (const wake of this.#whenEmpty) wake()
    })
    this.#sessions.set(socket, done)
    return done
  }

  /**
   * Sessions finish within `graceMs`; the ones left are ended as `end()` does, after giving them
   * `LINGERS.toldClientMs` to read their last line. Resolves once no session is left.
   */
  async drain(graceMs: number): Promise<void> {
    await this.#emptyWithin(graceMs)
    await this.end(LINGERS.toldClientMs)
  }

  /**
   * Tells every session left `Error: server shutting down`, waits up to `lingerMs` for them to
   * close, destroys the rest; resolves once each has ended and logged.
   */
  async end(lingerMs = 0): Promise<void> {
    this.#told.abort()
    await this.#emptyWithin(lingerMs)
    for (const socket of this.#sessions.keys()) socket.destroy()
    await Promise.allSettled(this.#sessions.values())
  }

  /** Resolves once no session is left, or after `ms`. */
  #emptyWithin(ms: number): Promise<void> {
    if (this.#sessions.size === 0 || ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#whenEmpty.delete(done)
        resolve()
      }
      // Not unref'd: while it shuts down, the process is waiting for exactly this.
      const timer = setTimeout(done, ms)
      this.#whenEmpty.add(done)
    })
  }
}
