/** What a bench worker tells the main thread. */
import type { LoadCounts } from './load.ts'

export type WorkerReport =
  | { type: 'progress'; counts: LoadCounts }
  /** `histogram`: the round trips, HDR-encoded (compressed base64). */
  | { type: 'done'; counts: LoadCounts; histogram: string }
  | { type: 'failed'; reason: string }
