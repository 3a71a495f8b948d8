/**
 * What the main thread and its workers say to each other (besides log lines, which travel as
 * the protocol's LogLinesMessage). Every message has a `type`; nothing here comes from the
 * network.
 */
import type { WatchBatch } from '@echolab/server-core'
import type { ThreadedConfig } from './settings.ts'

/** Everything a worker gets at birth. */
export interface WorkerData {
  config: ThreadedConfig
  /** The shared ConnectionCounters memory, and which slot of it is this worker's. */
  counters: SharedArrayBuffer
  slot: number
  /** The shared ServerMetrics table, one row per slot; this worker writes row `slot`. */
  metrics: SharedArrayBuffer
  poolSize: number
  /** Only when the server was started with ECHOLAB_TEST_FAULTS=1: obey `crash`. */
  testFaults: boolean
}

export interface ListenTarget {
  host: string
  port: number
  reusePort: boolean
}

/** Main thread -> worker. */
export type ToWorker =
  | ({ type: 'listen' } & ListenTarget)
  /** Stop accepting now; give sessions `graceMs`, then tell the rest the server is shutting down. */
  | { type: 'stop'; graceMs: number }
  /** A second signal: tell every session left that the server is shutting down, and stop now. */
  | { type: 'stop-now' }
  /** Test fault hook: throw from the event loop, as a bug would. */
  | { type: 'crash' }
  /** Someone watches the live view (or nobody does any more). */
  | { type: 'watch'; on: boolean }
  /** Put a snapshot of this thread's connections in its event stream, answering `request`. */
  | { type: 'watch-snapshot'; request: number }

/** Worker -> main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'listening'; address: string; port: number }
  | { type: 'listen-failed'; message: string; code: string | undefined }
  /** Every session has ended and the logs are flushed; the thread is about to exit. */
  | { type: 'stopped' }
  /** The live view's events of this thread, in order. */
  | { type: 'watch-batch'; batch: WatchBatch }

const FROM_WORKER_TYPES = new Set(['ready', 'listening', 'listen-failed', 'stopped', 'watch-batch'])

export function isFromWorker(value: unknown): value is FromWorker {
  return FROM_WORKER_TYPES.has((value as { type?: unknown } | null)?.type as string)
}
