/**
 * SIGTERM and SIGINT (DESIGN.md, "Shutdown"): stop accepting at once, tell everyone in line
 * `Error: server shutting down`, give the client being served `graceMs` to finish, then end its
 * session with that same line; exit 0 once the last socket has closed. A second signal exits at
 * once.
 */
import type { Server } from 'node:net'
import type { Logger, LogSink } from '@echolab/server-core'
import type { WaitingRoom } from './waiting-room.ts'

export interface ShutdownOptions {
  server: Server
  waitingRoom: WaitingRoom
  /** How long the session being served may go on after the signal. */
  graceMs: number
  log: Logger
  sink: LogSink
}

// How long refused and ended clients get to read their last line and close before we exit anyway.
const CLOSE_LINGER_MS = 2_000

export class Shutdown {
  readonly #options: ShutdownOptions
  readonly #accepting = new AbortController()
  readonly #sessions = new AbortController()
  #allClosed: Promise<void> | undefined
  #graceTimer: NodeJS.Timeout | undefined

  constructor(options: ShutdownOptions) {
    this.#options = options
    process.on('SIGTERM', this.#onSignal)
    process.on('SIGINT', this.#onSignal)
  }

  /** Aborted at the first signal: the accept loop ends. */
  get acceptSignal(): AbortSignal {
    return this.#accepting.signal
  }

  /** Aborted when the grace period is over: the session still running is told and ended. */
  get sessionSignal(): AbortSignal {
    return this.#sessions.signal
  }

  /** Whether the server still takes new clients (for /healthz). */
  get accepting(): boolean {
    return !this.#accepting.signal.aborted
  }

  /** Called once the accept loop has ended: waits (briefly) for the last sockets, then exits 0. */
  async finish(): Promise<never> {
    clearTimeout(this.#graceTimer)
    let linger: NodeJS.Timeout | undefined
    await Promise.race([
      this.#allClosed,
      new Promise((resolve) => {
        linger = setTimeout(resolve, CLOSE_LINGER_MS)
      }),
    ])
    clearTimeout(linger)
    return this.#exit(0)
  }

  #onSignal = (signal: NodeJS.Signals): void => {
    const { server, waitingRoom, graceMs, log } = this.#options
    if (!this.accepting) {
      log.warn({ signal }, 'second signal: exiting now')
      this.#exit(1)
    }
    log.info({ signal, graceMs, waiting: waitingRoom.waiting }, 'shutting down')
    // The server's 'close' comes once every connection it accepted has closed.
    this.#allClosed = new Promise((resolve) => server.close(() => resolve()))
    this.#accepting.abort()
    waitingRoom.close()
    this.#graceTimer = setTimeout(this.#onGraceOver, graceMs).unref()
  }

  #onGraceOver = (): void => {
    this.#sessions.abort()
    // The client just told to go may keep its side open: it gets a moment to read, no more.
    setTimeout(() => this.#exit(0), CLOSE_LINGER_MS).unref()
  }

  #exit(code: number): never {
    this.#options.log.info('stopped')
    this.#options.sink.flushSync()
    process.exit(code)
  }
}
