/**
 * Scripted mode's connection to the server, which outlives the server going away (DESIGN.md,
 * "Replicas"): when the server says `Error: server shutting down`, or the connection closes or
 * breaks without our `sair`, the link connects again (at most `--reconnects` times, each after a
 * growing pause, the host name resolved again so a replicated service can send us to another
 * replica). What to send again is the caller's business: the link only says the connection is
 * lost (`lost` aborts) and opens the next one. A server that broke the protocol (a line longer than
 * any reply) is not reconnected to: it is a failure, not a server going away.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { reach, STOPPED, UnreachableError } from './connect.ts'
import { LineConnection } from './line-connection.ts'
import type { LossReason, ScriptReport } from './scripted-report.ts'
import type { ScriptConfig } from './settings.ts'

/** The pause before the first reconnection; it doubles each time up to MAX_RECONNECT_PAUSE_MS. */
const FIRST_RECONNECT_PAUSE_MS = 100
const MAX_RECONNECT_PAUSE_MS = 2_000

export class ServerLink {
  /** Connections opened again so far. */
  reconnections = 0
  readonly #config: ScriptConfig
  readonly #report: ScriptReport
  readonly #onLine: (line: Buffer) => void
  readonly #stop: AbortSignal
  #connection: LineConnection | undefined
  #lost = new AbortController()
  #lossReason: LossReason = { kind: 'closed' }
  #leaving = false

  /** `onLine` hears every line of every connection; `stop` (a signal) ends any waiting at once. */
  constructor(
    config: ScriptConfig,
    report: ScriptReport,
    onLine: (line: Buffer) => void,
    stop: AbortSignal,
  ) {
    this.#config = config
    this.#report = report
    this.#onLine = onLine
    this.#stop = stop
  }

  /** Connects, retrying for --connect-timeout-ms; false if the server cannot be reached or we were stopped. */
  async open(): Promise<boolean> {
    const connected = await reach(this.#config, this.#report.retrying, this.#stop)
    if (connected === STOPPED) return false
    if (connected instanceof UnreachableError) {
      this.#report.unreachable(connected)
      return false
    }
    const lost = new AbortController()
    this.#lost = lost
    this.#lossReason = { kind: 'closed' }
    this.#connection = new LineConnection(connected.socket, {
      onLine: this.#onLine,
      onClose: (reason) => {
        if (this.#lossReason.kind !== 'shutting-down') this.#lossReason = reason
        lost.abort()
      },
    })
    const { host, port } = this.#config
    this.#report.connected(host, port, connected.attempts, connected.elapsedMs, this.reconnections)
    return true
  }

  /** Aborts when the current connection is gone without our leaving. */
  get lost(): AbortSignal {
    return this.#lost.signal
  }

  get isLost(): boolean {
    return this.#lost.signal.aborted && !this.#leaving
  }

  /** The server said it is shutting down: close now, and connect again when asked. */
  serverShuttingDown(): void {
    this.#lossReason = { kind: 'shutting-down' }
    this.#connection?.destroy()
  }

  /**
   * Opens the next connection after a lost one, if the budget allows; false (and the loss
   * reported as a failure) if it does not, if no server answers, or if we were stopped.
   */
  async reconnect(unanswered: number): Promise<boolean> {
    // A server that broke the protocol is not going away: it would break it again.
    if (this.#lossReason.kind === 'broken' || this.reconnections >= this.#config.reconnects) {
      this.#report.dropped(this.#lossReason, unanswered)
      return false
    }
    this.reconnections++
    this.#report.reconnecting(
      this.#lossReason,
      unanswered,
      this.reconnections,
      this.#config.reconnects,
    )
    const pauseMs = Math.min(
      FIRST_RECONNECT_PAUSE_MS * 2 ** (this.reconnections - 1),
      MAX_RECONNECT_PAUSE_MS,
    )
    try {
      await sleep(pauseMs, undefined, { signal: this.#stop })
    } catch {
      return false
    }
    return this.open()
  }

  /** Sends one message on the current connection (nothing if it is gone: it stays unanswered). */
  send(message: Buffer): Promise<void> {
    return this.#connection?.send(message) ?? Promise.resolve()
  }

  /**
   * Leaves with `sair` if the connection is still open, waiting up to `waitMs` for the server to
   * close; undefined if there was nothing to leave, else whether the server closed it itself.
   */
  async leave(waitMs: number): Promise<boolean | undefined> {
    this.#leaving = true
    if (!this.#connection?.isOpen) return undefined
    return this.#connection.quit(waitMs)
  }
}
