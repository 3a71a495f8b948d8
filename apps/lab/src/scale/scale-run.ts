/**
 * The lesson in numbers, as data: for each server and each number of clients started at once,
 * how long the clients waited for their first reply, how long they took to finish, the replies'
 * latency percentiles, and how long the whole run took.
 */
import type { Machine } from '../report/machine.ts'

export interface ScaleSettings {
  clientCounts: readonly number[]
  messagesPerClient: number
  /** Each client's pause between a reply and its next message. */
  pauseMs: number
}

/** Over the clients of one run: the median and the worst. */
interface Spread {
  median: number
  max: number
}

export interface ScalePoint {
  server: string
  clients: number
  /** From connecting to the first reply, per client. */
  firstReplyMs: Spread
  /** From the start of the run to the client leaving, per client. */
  finishMs: Spread
  /** Every reply's round trip, all clients together. */
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  /** From the start of the run until the last client finished. */
  wholeRunMs: number
}

export interface ScaleRun {
  ranAt: string
  machine: Machine
  settings: ScaleSettings
  points: ScalePoint[]
  /** The whole scale run, both servers, server starts included. */
  tookMs: number
}

/** Nearest-rank percentile of `values` (0 < p ≤ 100); 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export function spread(values: readonly number[]): Spread {
  return { median: percentile(values, 50), max: Math.max(0, ...values) }
}
