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
  /**
   * Each live session's socket and connection id: in from the session's start until it has ended
   * and logged. The one record a thread keeps of a connection besides its session.
   */
  readonly #sockets = new Map<Socket, number>()
  readonly #whenEmpty = new Set<() => void>()

  /** Aborted when the sessions left are told the server is shutting down: give it to each session. */
  get signal(): AbortSignal {
    return this.#told.signal
  }

  get size(): number {
    return this.#sockets.size
  }

  /** Connection `conn`'s session starts on `socket`; `delete(socket)` once it has ended and logged. */
  add(socket: Socket, conn: number): void {
    this.#sockets.set(socket, conn)
  }

  /** Each live session's socket with its connection id, in the order they started. */
  entries(): MapIterator<[Socket, number]> {
    return this.#sockets.entries()
  }

  delete(socket: Socket): void {
    this.#sockets.delete(socket)
    if (this.#sockets.size === 0) for (const wake of this.#whenEmpty) wake()
  }

  /** Resolves once no session is left. */
  whenEmpty(): Promise<void> {
    return this.#emptyWithin(Number.POSITIVE_INFINITY)
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
    for (const socket of this.#sockets.keys()) socket.destroy()
    await this.whenEmpty()
  }

  /** Resolves once no session is left, or after `ms` (never, if it is infinite). */
  #emptyWithin(ms: number): Promise<void> {
    if (this.#sockets.size === 0 || ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#whenEmpty.delete(done)
        resolve()
      }
      // Not unref'd: while it shuts down, the process is waiting for exactly this.
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined
      this.#whenEmpty.add(done)
    })
  }
}
