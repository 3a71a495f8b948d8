/**
 * One thread's side of the live view (issue 14): the server tells it what happens to each
 * connection, and it hands batches of events to the hub that serves the watchers (directly in a
 * single-threaded server, through postMessage from a worker).
 *
 * It costs nothing while nobody watches: every call returns at its first line, and no record is
 * kept for any connection. Once watched, it keeps one small record per open connection (for the
 * snapshot a new watcher starts from), merges a busy connection's messages into one event per
 * batch, and sends a batch every `flushMs`. Connections already open when watching began are
 * taken from the server's own bookkeeping (`describe`): their earlier messages were not counted.
 */
import type { Socket } from 'node:net'
import type {
  ConnectionEvent,
  ConnectionRow,
  ConnectionState,
  SnapshotEvent,
  WatchBatch,
  WatchEndReason,
} from './watch-events.ts'

const WATCH_DEFAULTS = Object.freeze({
  /** How often a thread hands its events over: fast enough to look live, few enough to be cheap. */
  flushMs: 50,
  /** Events one thread keeps per batch; past it they are dropped and watchers resync. */
  maxEventsPerBatch: 2_000,
  /** Rows in one thread's snapshot: more lanes than a page can show. */
  maxSnapshotRows: 2_000,
})

/** A connection as the server knows it, for the snapshot of one opened before anyone watched. */
export interface KnownConnection {
  id: number
  socket: Socket
  state: ConnectionState
  /** performance.now() when it connected, if the server keeps it. */
  connectedAt?: number | undefined
}

interface ConnectionWatchOptions {
  /** This thread's id, on every event. */
  thread: number
  /** The connections open now, from the server's own bookkeeping. */
  describe: () => Iterable<KnownConnection>
  /** Where batches go (the hub, or the main thread). */
  send: (batch: WatchBatch) => void
  flushMs?: number
  maxEventsPerBatch?: number
  maxSnapshotRows?: number
}

interface WatchedConnection {
  socket: Socket
  peer: string
  state: ConnectionState
  since: number | null
  servedAt: number | null
  messages: number | null
}

type MessageEvent = Extract<ConnectionEvent, { type: 'message' }>

export class ConnectionWatch {
  readonly thread: number
  readonly #options: ConnectionWatchOptions
  readonly #flushMs: number
  readonly #maxEvents: number
  readonly #maxRows: number
  /** Open connections while watched; null while nobody watches. */
  #records: Map<number, WatchedConnection> | null = null
  #events: WatchBatch['events'] = []
  /** The message event of this batch each connection's next messages are merged into. */
  #pendingMessages = new Map<number, MessageEvent>()
  #dropped = 0
  #timer: NodeJS.Timeout | undefined

  constructor(options: ConnectionWatchOptions) {
    this.#options = options
    this.thread = options.thread
    this.#flushMs = options.flushMs ?? WATCH_DEFAULTS.flushMs
    this.#maxEvents = options.maxEventsPerBatch ?? WATCH_DEFAULTS.maxEventsPerBatch
    this.#maxRows = options.maxSnapshotRows ?? WATCH_DEFAULTS.maxSnapshotRows
  }

  /** Whether anyone watches: callers skip work (a preview) that only a watcher needs. */
  get watched(): boolean {
    return this.#records !== null
  }

  /** Starts (taking the connections already open) or stops keeping records. */
  watch(on: boolean): void {
    if (on === this.watched) return
    if (!on) {
      this.#records = null
      this.#pendingMessages.clear()
      return
    }
    const records = new Map<number, WatchedConnection>()
    for (const known of this.#options.describe()) records.set(known.id, unwatched(known))
    this.#records = records
  }

  /**
   * Queues this thread's current connections as a snapshot event answering `request`: the
   * events queued after it are what changed since. Works whether or not anyone watches.
   */
  snapshot(request: number): void {
    const at = Date.now()
    const rows: ConnectionRow[] = []
    let truncated = 0
    const add = (id: number, record: WatchedConnection): void => {
      if (rows.length >= this.#maxRows) truncated++
      else rows.push(rowOf(id, this.thread, record))
    }
    if (this.#records !== null) {
      for (const [id, record] of this.#records) add(id, record)
    } else {
      for (const known of this.#options.describe()) add(known.id, unwatched(known))
    }
    const event: SnapshotEvent = {
      type: 'snapshot',
      thread: this.thread,
      at,
      request,
      connections: rows,
      truncated,
    }
    // A snapshot is never dropped: the watcher waiting for it would wait forever. Messages after
    // it go in events after it, never merged into one it comes after.
    this.#pendingMessages.clear()
    this.#events.push(event)
    this.#schedule()
  }

  connected(id: number, socket: Socket): void {
    const records = this.#records
    if (records === null) return
    const at = Date.now()
    const peer = peerOf(socket)
    records.set(id, { socket, peer, state: 'waiting', since: at, servedAt: null, messages: 0 })
    this.#push({ type: 'connected', id, thread: this.thread, at, peer })
  }

  waiting(id: number, position: number): void {
    if (this.#records === null) return
    this.#push({ type: 'waiting', id, thread: this.thread, at: Date.now(), position })
  }

  served(id: number): void {
    const record = this.#records?.get(id)
    if (record === undefined) return
    const at = Date.now()
    record.state = 'served'
    record.servedAt = at
    this.#push({ type: 'served', id, thread: this.thread, at })
  }

  /** One message answered; `preview` when it fell within the message log budget. */
  message(id: number, bytes: number, preview: string | undefined): void {
    const record = this.#records?.get(id)
    if (record === undefined) return
    if (record.messages !== null) record.messages++
    const pending = this.#pendingMessages.get(id)
    if (pending !== undefined) {
      pending.count++
      pending.bytes += bytes
      if (preview !== undefined) pending.preview = preview
      return
    }
    const event: MessageEvent = {
      type: 'message',
      id,
      thread: this.thread,
      at: Date.now(),
      count: 1,
      bytes,
    }
    if (preview !== undefined) event.preview = preview
    if (this.#push(event)) this.#pendingMessages.set(id, event)
  }

  ended(id: number, reason: WatchEndReason): void {
    const records = this.#records
    if (records === null || !records.delete(id)) return
    this.#push({ type: 'ended', id, thread: this.thread, at: Date.now(), reason })
  }

  /** Hands over what is queued now (also used before a thread exits). */
  flush = (): void => {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#events.length === 0 && this.#dropped === 0) return
    const batch: WatchBatch = { thread: this.thread, events: this.#events, dropped: this.#dropped }
    this.#events = []
    this.#dropped = 0
    this.#pendingMessages.clear()
    this.#options.send(batch)
  }

  /** Queues an event unless the batch is full; whether it was queued. */
  #push(event: ConnectionEvent): boolean {
    // Any other event of a connection closes its merged message event: order stays true.
    if (event.type !== 'message') this.#pendingMessages.delete(event.id)
    if (this.#events.length >= this.#maxEvents) {
      this.#dropped++
      return false
    }
    this.#events.push(event)
    this.#schedule()
    return true
  }

  #schedule(): void {
    // Unref'd: watching never keeps a server that is done from exiting.
    this.#timer ??= setTimeout(this.flush, this.#flushMs).unref()
  }
}

function rowOf(id: number, thread: number, record: WatchedConnection): ConnectionRow {
  const { peer, state, since, servedAt, messages, socket } = record
  return { id, peer, thread, state, since, servedAt, messages, bytes: socket.bytesRead }
}

function unwatched(known: KnownConnection): WatchedConnection {
  return {
    socket: known.socket,
    peer: peerOf(known.socket),
    state: known.state,
    since: known.connectedAt === undefined ? null : wallClock(known.connectedAt),
    servedAt: null,
    messages: null,
  }
}

function peerOf(socket: Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`
}

/** A performance.now() reading as milliseconds since the epoch. */
function wallClock(monotonic: number): number {
  return Math.round(performance.timeOrigin + monotonic)
}
