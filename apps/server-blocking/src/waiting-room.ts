/**
 * The line in front of the blocking server (DESIGN.md, "The one difference between the two
 * servers"): connections that arrive while a client is served wait here, paused, in arrival order,
 * at most `maxWaiting` of them. Past the bound a newcomer is told `Error: server busy (N clients
 * waiting)` and closed. A waiting client that hangs up leaves the line; nobody else is affected.
 *
 * Noticing a hang-up without serving: a waiting socket is paused (nothing of it is read or
 * answered), but it listens for 'end', 'error' and 'close'. A client that closes having sent
 * nothing is seen at once: a Node socket that reads the end of input with nothing buffered emits
 * 'end' even while paused. A client that sent messages and then half-closed (`printf 'a\nb\n' |
 * nc -N ...`) is owed replies: its 'end' comes only after its messages are read, that is once it
 * is served, so it stays in line and is answered in its turn. A reset while waiting drops it. What
 * a waiting client sends is buffered by its socket up to the high-water mark, then by the kernel:
 * memory per waiter is bounded.
 */
import type { Socket } from 'node:net'
import { EchoError } from '@echolab/protocol'
import {
  type ConnectionQueue,
  type ConnectionWatch,
  type DescriptorBudget,
  isPeerReset,
  type KnownConnection,
  type Logger,
  type MetricsRow,
  refuse,
} from '@echolab/server-core'

interface WaitingRoomOptions {
  /** Clients allowed to wait while one is served; 0 refuses everyone who would have to wait. */
  maxWaiting: number
  log: Logger
  /** Where the waiting and refused clients are counted for /metrics. */
  metricsRow?: MetricsRow | undefined
  /** The live view: told who connects, waits, is served or leaves the line. */
  watch?: ConnectionWatch | undefined
  /**
   * Sockets (the one served and those waiting) that fit under the descriptor limit, whatever
   * `maxWaiting` says, and where a refusal for want of descriptors is reported.
   */
  descriptors?: Pick<DescriptorBudget, 'fit' | 'shortage'> | undefined
}

interface Waiter {
  id: number
  socket: Socket
  log: Logger
  arrivedAt: number
  /** Stops watching the socket for a hang-up: it is being served or sent away. */
  stopWatching: () => void
}

export class WaitingRoom implements ConnectionQueue {
  readonly maxWaiting: number
  readonly #log: Logger
  readonly #metricsRow: MetricsRow | undefined
  readonly #watch: ConnectionWatch | undefined
  readonly #descriptors: WaitingRoomOptions['descriptors']
  readonly #line: Waiter[] = []
  #lastConnectionId = 0
  /** The client being served, for the live view's snapshot. */
  #current: Waiter | undefined
  // The accept loop asks for the next socket only when it is free: from a `next()` that returned
  // a socket to the following `next()`, a client is being served.
  #serving = false
  #closed = false

  constructor({ maxWaiting, log, metricsRow, watch, descriptors }: WaitingRoomOptions) {
    this.maxWaiting = maxWaiting
    this.#log = log
    this.#metricsRow = metricsRow
    this.#watch = watch
    this.#descriptors = descriptors
  }

  /** Clients waiting now, not counting the one being served. */
  get waiting(): number {
    return this.#line.length
  }

  /** The id of the client `next()` last handed out, the one being served (0 before anyone). */
  get currentId(): number {
    return this.#current?.id ?? 0
  }

  /** Who is here now, for the live view: the client being served, then the line in order. */
  *connections(): Iterable<KnownConnection> {
    const current = this.#current
    if (current !== undefined && !current.socket.destroyed) {
      yield {
        id: current.id,
        socket: current.socket,
        state: 'served',
        connectedAt: current.arrivedAt,
      }
    }
    for (const { id, socket, arrivedAt } of this.#line) {
      yield { id, socket, state: 'waiting', connectedAt: arrivedAt }
    }
  }

  admit(socket: Socket): void {
    const id = ++this.#lastConnectionId
    const log = this.#log.child({ conn: id })
    log.info({ peer: `${socket.remoteAddress}:${socket.remotePort}` }, 'connected')
    this.#watch?.connected(id, socket)
    const mustWait = this.#serving || this.#line.length > 0
    if (this.#closed) {
      void this.#refuse(id, socket, log, EchoError.shuttingDown())
    } else if (mustWait && this.#line.length >= this.maxWaiting) {
      this.#metricsRow?.add('connectionsRefused')
      void this.#refuse(
        id,
        socket,
        log,
        EchoError.serverBusy(`${this.#line.length} clients waiting`),
      )
    } else if (mustWait && this.#outOfDescriptors()) {
      this.#metricsRow?.add('connectionsRefused')
      this.#descriptors?.shortage.report()
      void this.#refuse(
        id,
        socket,
        log,
        EchoError.serverBusy(`${this.#line.length} clients waiting`),
      )
    } else {
      this.#line.push(this.#watchForHangUp(id, socket, log))
      this.#metricsRow?.add('connectionsWaiting')
      if (mustWait) {
        log.info({ position: this.#line.length }, 'waiting')
        this.#watch?.waiting(id, this.#line.length)
      }
    }
  }

  // The one served and those waiting already hold every descriptor the limit leaves for clients.
  #outOfDescriptors(): boolean {
    const held = this.#line.length + (this.#serving ? 1 : 0)
    return this.#descriptors !== undefined && held >= this.#descriptors.fit
  }

  next(): Socket | undefined {
    const waiter = this.#line.shift()
    this.#serving = waiter !== undefined
    this.#current = waiter
    if (waiter === undefined) return undefined
    this.#metricsRow?.add('connectionsWaiting', -1)
    waiter.stopWatching()
    waiter.log.info({ waitedMs: Math.round(performance.now() - waiter.arrivedAt) }, 'served')
    this.#watch?.served(waiter.id)
    return waiter.socket
  }

  /**
   * Tells everyone still in line `Error: server shutting down`. Resolves once their sockets have
   * closed (within `LINGERS.toldClientMs`). Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true
    const told = this.#line.splice(0).map((waiter) => {
      this.#metricsRow?.add('connectionsWaiting', -1)
      waiter.stopWatching()
      return this.#refuse(waiter.id, waiter.socket, waiter.log, EchoError.shuttingDown())
    })
    await Promise.all(told)
  }

  #refuse(id: number, socket: Socket, log: Logger, error: EchoError): Promise<void> {
    log.info({ code: error.code, reason: error.reason }, 'refused')
    this.#watch?.ended(id, 'refused')
    return refuse(socket, error)
  }

  #watchForHangUp(id: number, socket: Socket, log: Logger): Waiter {
    const arrivedAt = performance.now()
    const leave = (why: string, error?: Error): void => {
      const at = this.#line.findIndex((waiter) => waiter.socket === socket)
      if (at === -1) return
      this.#line.splice(at, 1)
      this.#metricsRow?.add('connectionsWaiting', -1)
      stopWatching()
      socket.destroy()
      this.#watch?.ended(id, 'left-queue')
      const fields = { why, position: at + 1, waitedMs: Math.round(performance.now() - arrivedAt) }
      if (error !== undefined && !isPeerReset(error))
        log.warn({ ...fields, err: error }, 'left the queue')
      else log.info(fields, 'left the queue')
    }
    const onEnd = (): void => leave('hung up')
    const onError = (error: Error): void => leave('connection error', error)
    const onClose = (): void => leave('connection closed')
    const stopWatching = (): void => {
      socket.off('end', onEnd)
      socket.off('error', onError)
      socket.off('close', onClose)
    }
    // The 'error' listener goes on before anything else (STYLE.md principle 11).
    socket.on('error', onError)
    socket.on('close', onClose)
    socket.on('end', onEnd)
    return { id, socket, log, arrivedAt, stopWatching }
  }
}
