/**
 * What a bench run reports: the traffic it made, the rates it got, the round-trip percentiles
 * and whether every reply was right. One object, printed as text or as one JSON line.
 */
import type { Histogram } from 'hdr-histogram-js'
import { formatDuration } from '../display.ts'
import type { BenchConfig } from '../settings.ts'
import type { LoadCounts } from './load.ts'

export interface BenchResult {
  mode: 'bench'
  host: string
  port: number
  connections: number
  payloadBytes: number
  pipeline: number
  threads: number
  durationS: number
  /** From the first message to the last reply, drain included. */
  elapsedS: number
  /** Messages answered exactly right. */
  messages: number
  messagesPerSecond: number
  /** Payload bytes echoed back per second, in MB (10^6 bytes); LF and `Echo: ` not counted. */
  mbPerSecond: number
  sentBytes: number
  receivedBytes: number
  /** Round trips in microseconds. */
  latencyUs: {
    min: number
    mean: number
    p50: number
    p90: number
    p99: number
    p999: number
    max: number
  }
  mismatches: number
  errorLines: number
  droppedConnections: number
  unanswered: number
  firstProblem: string | null
  /** Every reply right and at least one message answered. */
  ok: boolean
}

export function benchResult(
  config: BenchConfig,
  threads: number,
  counts: LoadCounts,
  histogram: Histogram,
): BenchResult {
  const elapsedS = counts.elapsedMs / 1000
  const perSecond = (n: number): number => (elapsedS > 0 ? n / elapsedS : 0)
  const empty = histogram.totalCount === 0
  const at = (percentile: number): number =>
    empty ? 0 : histogram.getValueAtPercentile(percentile)
  const problems =
    counts.mismatches + counts.errorLines + counts.droppedConnections + counts.unanswered
  return {
    mode: 'bench',
    host: config.host,
    port: config.port,
    connections: config.connections,
    payloadBytes: config.payloadBytes,
    pipeline: config.pipeline,
    threads,
    durationS: config.durationS,
    elapsedS: round(elapsedS, 3),
    messages: counts.messages,
    messagesPerSecond: Math.round(perSecond(counts.messages)),
    mbPerSecond: round(perSecond(counts.messages * config.payloadBytes) / 1e6, 3),
    sentBytes: counts.sentBytes,
    receivedBytes: counts.receivedBytes,
    latencyUs: {
      min: empty ? 0 : histogram.minNonZeroValue,
      mean: empty ? 0 : round(histogram.mean, 1),
      p50: at(50),
      p90: at(90),
      p99: at(99),
      p999: at(99.9),
      max: empty ? 0 : histogram.maxValue,
    },
    mismatches: counts.mismatches,
    errorLines: counts.errorLines,
    droppedConnections: counts.droppedConnections,
    unanswered: counts.unanswered,
    firstProblem: counts.firstProblem,
    ok: problems === 0 && counts.messages > 0,
  }
}

export function formatBenchResult(r: BenchResult): string {
  const us = (value: number): string => formatDuration(value / 1000)
  const l = r.latencyUs
  const lines = [
    `bench ${r.host}:${r.port}: ${r.connections} connections, ${r.payloadBytes}-byte messages, pipeline ${r.pipeline}, ${r.threads} ${r.threads === 1 ? 'thread' : 'threads'}, ${r.durationS} s`,
    `  messages    ${r.messages.toLocaleString('en')} in ${r.elapsedS.toFixed(2)} s = ${r.messagesPerSecond.toLocaleString('en')} msg/s`,
    `  throughput  ${r.mbPerSecond.toFixed(2)} MB/s of payload (${(r.sentBytes / 1e6).toFixed(1)} MB sent, ${(r.receivedBytes / 1e6).toFixed(1)} MB received)`,
    `  latency     min ${us(l.min)}  p50 ${us(l.p50)}  p90 ${us(l.p90)}  p99 ${us(l.p99)}  p99.9 ${us(l.p999)}  max ${us(l.max)}`,
    `  verified    ${r.ok ? 'every reply byte for byte' : 'FAILED'}: ${r.mismatches} wrong, ${r.errorLines} Error: lines, ${r.droppedConnections} dropped connections, ${r.unanswered} unanswered`,
  ]
  if (r.firstProblem) lines.push(`  first problem: ${r.firstProblem}`)
  return `${lines.join('\n')}\n`
}

/** The progress line: `3.0/10 s  123,456 messages  41,152 msg/s`. */
export function formatProgress(counts: LoadCounts, elapsedMs: number, durationS: number): string {
  const seconds = elapsedMs / 1000
  const rate = seconds > 0 ? Math.round(counts.messages / seconds) : 0
  const problems = counts.mismatches + counts.errorLines + counts.droppedConnections
  return `${seconds.toFixed(1)}/${durationS} s  ${counts.messages.toLocaleString('en')} messages  ${rate.toLocaleString('en')} msg/s${problems > 0 ? `  ${problems} problems` : ''}`
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals
  return Math.round(value * scale) / scale
}
