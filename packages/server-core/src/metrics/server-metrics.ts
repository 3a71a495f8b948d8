/**
 * The numbers behind `/metrics` (DESIGN.md, "Health and metrics"): connections total, waiting and
 * refused, messages, bytes and session endings by reason (one column per END_REASONS entry).
 * Connections active are not a column: each server counts them once where it admits them (the
 * blocking server's LiveSessions, the threaded server's ConnectionCounters, which must be atomic
 * across threads) and hands that number to `snapshot()`.
 *
 * Counters live in a SharedArrayBuffer with one row per thread. Each thread writes only its own
 * row, so counting a message is a plain store with no lock and no contended cache line; a reader
 * (the metrics endpoint) adds the rows up. 64-bit aligned stores cannot tear on the platforms
 * Node runs on, and a reading one increment behind is fine for a scrape.
 */
import { END_REASONS, type EndReason } from '../end-reasons.ts'

type Counter =
  | 'connectionsTotal'
  | 'connectionsWaiting'
  | 'connectionsRefused'
  | 'messages'
  | 'bytesIn'
  | 'bytesOut'
  | `ended:${EndReason}`

const COUNTERS: readonly Counter[] = [
  'connectionsTotal',
  'connectionsWaiting',
  'connectionsRefused',
  'messages',
  'bytesIn',
  'bytesOut',
  ...END_REASONS.map((reason): Counter => `ended:${reason}`),
]
const COLUMN = new Map<string, number>(COUNTERS.map((name, column) => [name, column]))
const ROW_LENGTH = COUNTERS.length
// Counted for every message: looked up once here, not per message.
const MESSAGES = COUNTERS.indexOf('messages')
const BYTES_IN = COUNTERS.indexOf('bytesIn')

export type MetricsSnapshot = Record<Counter | 'connectionsActive', number>

export class ServerMetrics {
  /** Share this with worker threads (postMessage / workerData) to count into one table. */
  readonly buffer: SharedArrayBuffer
  readonly rows: number
  readonly #cells: Float64Array

  constructor(rows = 1, buffer?: SharedArrayBuffer) {
    this.rows = rows
    this.buffer =
      buffer ?? new SharedArrayBuffer(rows * ROW_LENGTH * Float64Array.BYTES_PER_ELEMENT)
    this.#cells = new Float64Array(this.buffer)
  }

  /** The counters of one thread: `row` is its index in the pool (0 for a single thread). */
  row(row: number): MetricsRow {
    if (!Number.isInteger(row) || row < 0 || row >= this.rows)
      throw new RangeError(`no metrics row ${row}`)
    return new MetricsRow(this.#cells, row * ROW_LENGTH)
  }

  /** Every counter summed over all threads, with the server's own count of active connections. */
  snapshot(connectionsActive: number): MetricsSnapshot {
    const totals = { connectionsActive } as MetricsSnapshot
    COUNTERS.forEach((name, column) => {
      let sum = 0
      for (let row = 0; row < this.rows; row++) sum += this.#cells[row * ROW_LENGTH + column]!
      totals[name] = sum
    })
    return totals
  }
}

/** One thread's row: only that thread writes it. */
export class MetricsRow {
  readonly #cells: Float64Array
  readonly #offset: number

  constructor(cells: Float64Array, offset: number) {
    this.#cells = cells
    this.#offset = offset
  }

  add(counter: Counter, amount = 1): void {
    this.#cells[this.#offset + COLUMN.get(counter)!]! += amount
  }

  connected(): void {
    this.add('connectionsTotal')
  }

  /** A message of `bytes` bytes and its LF. */
  message(bytes: number): void {
    this.#cells[this.#offset + MESSAGES]! += 1
    this.#cells[this.#offset + BYTES_IN]! += bytes + 1
  }

  ended(report: { reason: EndReason; bytesOut: number }): void {
    this.add('bytesOut', report.bytesOut)
    this.add(`ended:${report.reason}`)
  }
}
