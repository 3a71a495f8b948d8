/**
 * The watchers' side of the live view (issue 14), in the thread that serves HTTP: it keeps the
 * open `GET /events` streams (at most `maxWatchers`), turns watching on in every thread while at
 * least one is open, and fans each thread's batches out to them as Server-Sent Events.
 *
 * A watcher starts from a snapshot: its stream opens with `hello`, then each thread's snapshot,
 * and a thread's events reach it only after that thread's snapshot (what came before is in it).
 * A watcher that reads too slowly is never buffered for without bound: once more than
 * `maxBufferedBytes` are owed to it, its events are dropped and counted; when it has caught up it
 * is told how many (`dropped`) and starts again from a fresh hello and snapshot.
 */
import type { ServerResponse } from 'node:http'
import type { ConnectionRow, HubEvent, Scheduling, WatchBatch } from './watch-events.ts'

const WATCH_HUB_DEFAULTS = Object.freeze({
  /** Open event streams: a classroom's projector and a few laptops, never a crowd. */
  maxWatchers: 16,
  /** Bytes owed to one watcher before its events are dropped: a few seconds of a busy server. */
  maxBufferedBytes: 64 * 1024,
  /** How long `GET /connections` waits for every thread's part before answering without it. */
  snapshotTimeoutMs: 2_000,
  /**
   * A comment line sent to every watcher this often: proxies keep a quiet stream open, and a
   * watcher that vanished without closing (a laptop put to sleep) is found and its place freed.
   */
  heartbeatMs: 15_000,
})

export interface WatchHubOptions {
  /** The server's name, for the page. */
  server: string
  scheduling: Scheduling
  /** The ids of the threads serving now. */
  threads: () => number[]
  /** Turns watching on or off in every thread. */
  setWatched: (on: boolean) => void
  /** Asks every thread for a snapshot event answering `request`. */
  requestSnapshot: (request: number) => void
  maxWatchers?: number
  maxBufferedBytes?: number
  snapshotTimeoutMs?: number
}

export interface ConnectionsAnswer {
  connections: ConnectionRow[]
  /** Rows left out past each thread's cap. */
  truncated: number
  /** Threads that did not answer in time. */
  missingThreads: number[]
}

interface Watcher {
  response: ServerResponse
  /** Thread → the snapshot request whose answer this watcher waits for from it. */
  gates: Map<number, number>
  /** Events not sent since it fell behind; null while it keeps up. */
  lagging: number | null
}

interface PendingAnswer {
  waitingFor: Set<number>
  answer: ConnectionsAnswer
  done: () => void
}

export class WatchHub {
  readonly #options: WatchHubOptions
  readonly #maxWatchers: number
  readonly #maxBufferedBytes: number
  readonly #watchers = new Set<Watcher>()
  readonly #answers = new Map<number, PendingAnswer>()
  #lastRequest = 0
  #asking: Promise<ConnectionsAnswer> | undefined
  #droppedTotal = 0
  #heartbeat: NodeJS.Timeout | undefined

  constructor(options: WatchHubOptions) {
    this.#options = options
    this.#maxWatchers = options.maxWatchers ?? WATCH_HUB_DEFAULTS.maxWatchers
    this.#maxBufferedBytes = options.maxBufferedBytes ?? WATCH_HUB_DEFAULTS.maxBufferedBytes
  }

  get watchers(): number {
    return this.#watchers.size
  }

  get maxWatchers(): number {
    return this.#maxWatchers
  }

  /** Events not sent to a watcher because it read too slowly (or a thread's batch overflowed). */
  get droppedTotal(): number {
    return this.#droppedTotal
  }

  /** Bytes written to watchers and not yet taken by them: at most about maxBufferedBytes each. */
  get bufferedBytes(): number {
    let total = 0
    for (const watcher of this.#watchers) total += watcher.response.writableLength
    return total
  }

  /** Takes an event stream, already answered with its headers; false when there is no room. */
  attach(response: ServerResponse): boolean {
    if (this.#watchers.size >= this.#maxWatchers) return false
    const watcher: Watcher = { response, gates: new Map(), lagging: null }
    this.#watchers.add(watcher)
    response.on('close', () => this.#detach(watcher))
    response.on('drain', () => this.#caughtUp(watcher))
    if (this.#watchers.size === 1) {
      this.#options.setWatched(true)
      // Unref'd, and cleared when the last watcher leaves.
      this.#heartbeat = setInterval(this.#beat, WATCH_HUB_DEFAULTS.heartbeatMs).unref()
    }
    this.#restart(watcher)
    return true
  }

  /**
   * Every thread's connections, by id; threads that do not answer in time are named. Requests
   * made while one is being answered share its answer: a client that pipelined thousands of
   * `GET /connections` once had each ask every thread for every row (1.9 GB in 12 s).
   */
  connections(): Promise<ConnectionsAnswer> {
    if (this.#asking === undefined) {
      const asking = this.#askThreads()
      this.#asking = asking
      void asking.then(() => {
        if (this.#asking === asking) this.#asking = undefined
      })
    }
    return this.#asking
  }

  #askThreads(): Promise<ConnectionsAnswer> {
    const threads = this.#options.threads()
    const request = ++this.#lastRequest
    const answer: ConnectionsAnswer = { connections: [], truncated: 0, missingThreads: [] }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#answers.delete(request)
        answer.missingThreads = [...pending.waitingFor]
        answer.connections.sort((a, b) => a.id - b.id)
        resolve(answer)
      }
      const pending: PendingAnswer = { waitingFor: new Set(threads), answer, done }
      const timeoutMs = this.#options.snapshotTimeoutMs ?? WATCH_HUB_DEFAULTS.snapshotTimeoutMs
      const timer = setTimeout(done, timeoutMs).unref()
      if (threads.length === 0) return done()
      this.#answers.set(request, pending)
      this.#options.requestSnapshot(request)
    })
  }

  /** A thread's batch: its events go out in the order they happened. */
  receive(batch: WatchBatch): void {
    const { thread } = batch
    const parts = new Map<Watcher, string[]>()
    for (const watcher of this.#watchers) parts.set(watcher, [])
    for (const event of batch.events) {
      if (event.type === 'snapshot') {
        this.#answerWith(event.request, thread, event.connections, event.truncated)
        const line = sse(event)
        for (const [watcher, out] of parts) {
          if (watcher.gates.get(thread) !== event.request) continue
          watcher.gates.delete(thread)
          out.push(line)
        }
        continue
      }
      const line = sse(event)
      for (const [watcher, out] of parts) if (!watcher.gates.has(thread)) out.push(line)
    }
    for (const [watcher, out] of parts) this.#send(watcher, out.join(''), out.length)
    if (batch.dropped > 0) {
      this.#droppedTotal += batch.dropped * this.#watchers.size
      for (const watcher of this.#watchers) this.#fellBehind(watcher, batch.dropped)
    }
  }

  /** A thread died with its connections: watchers drop its lanes, nobody waits for its part. */
  threadGone(thread: number): void {
    const line = sse({ type: 'thread-gone', at: Date.now(), thread } satisfies HubEvent)
    for (const watcher of this.#watchers) {
      watcher.gates.delete(thread)
      this.#send(watcher, line, 1)
    }
    for (const pending of this.#answers.values()) {
      if (pending.waitingFor.delete(thread) && pending.waitingFor.size === 0) pending.done()
    }
  }

  /** The hub's lines for `/metrics`. */
  prometheus(label: string): string {
    return [
      '# HELP echolab_live_watchers Open live event streams (GET /events).',
      '# TYPE echolab_live_watchers gauge',
      `echolab_live_watchers{${label}} ${this.#watchers.size}`,
      '# HELP echolab_live_events_dropped_total Events not sent to a live watcher that read too slowly.',
      '# TYPE echolab_live_events_dropped_total counter',
      `echolab_live_events_dropped_total{${label}} ${this.#droppedTotal}`,
      '# HELP echolab_live_buffered_bytes Bytes written to live watchers and not yet read by them.',
      '# TYPE echolab_live_buffered_bytes gauge',
      `echolab_live_buffered_bytes{${label}} ${this.bufferedBytes}`,
      '',
    ].join('\n')
  }

  /** Sends hello and asks every thread for the snapshot this watcher starts from. */
  #restart(watcher: Watcher): void {
    const threads = this.#options.threads()
    const hello: HubEvent = {
      type: 'hello',
      at: Date.now(),
      server: this.#options.server,
      scheduling: this.#options.scheduling,
      threads,
    }
    watcher.response.write(sse(hello))
    const request = ++this.#lastRequest
    watcher.gates = new Map(threads.map((thread) => [thread, request]))
    if (threads.length > 0) this.#options.requestSnapshot(request)
  }

  #answerWith(request: number, thread: number, rows: ConnectionRow[], truncated: number): void {
    const pending = this.#answers.get(request)
    if (pending === undefined || !pending.waitingFor.delete(thread)) return
    pending.answer.connections.push(...rows)
    pending.answer.truncated += truncated
    if (pending.waitingFor.size === 0) pending.done()
  }

  /** Writes `text` (holding `events` events) unless the watcher is, or now falls, behind. */
  #send(watcher: Watcher, text: string, events: number): void {
    if (events === 0) return
    if (watcher.lagging === null && watcher.response.writableLength <= this.#maxBufferedBytes) {
      watcher.response.write(text)
      return
    }
    this.#droppedTotal += events
    this.#fellBehind(watcher, events)
  }

  #fellBehind(watcher: Watcher, events: number): void {
    // What it has is stale now: from here its events are counted, not sent, until it has
    // caught up and starts again from a snapshot.
    watcher.lagging = (watcher.lagging ?? 0) + events
    if (watcher.response.writableLength === 0) this.#caughtUp(watcher)
  }

  #caughtUp(watcher: Watcher): void {
    if (watcher.lagging === null || !this.#watchers.has(watcher)) return
    const count = watcher.lagging
    watcher.lagging = null
    watcher.response.write(sse({ type: 'dropped', at: Date.now(), count } satisfies HubEvent))
    this.#restart(watcher)
  }

  #detach(watcher: Watcher): void {
    if (!this.#watchers.delete(watcher)) return
    if (this.#watchers.size > 0) return
    clearInterval(this.#heartbeat)
    this.#options.setWatched(false)
  }

  #beat = (): void => {
    for (const watcher of this.#watchers) {
      if (watcher.lagging === null) watcher.response.write(': still here\n\n')
    }
  }
}

/** One Server-Sent Event: JSON never holds a raw newline, so one `data:` line is enough. */
function sse(event: object): string {
  return `data: ${JSON.stringify(event)}\n\n`
}
