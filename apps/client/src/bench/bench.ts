/**
 * Bench mode (DESIGN.md, "The client"): many connections on one or more worker threads, a
 * payload size, a pipeline depth and a bounded duration; every reply verified; messages/s, MB/s
 * and latency percentiles from an HDR histogram; a progress line on a terminal; --json.
 *
 *   echolab-client bench -c 16 -s 64 -p 16 -d 10 [--threads 2] [--json] [--host H --port P]
 */
import { Worker } from 'node:worker_threads'
import { workerEntry } from '@echolab/cli'
import { decodeFromCompressedBase64 } from 'hdr-histogram-js'
import type { BenchConfig } from '../settings.ts'
import { emptyCounts, type LoadCounts, type LoadPlan, latencyHistogram } from './load.ts'
import { type BenchResult, benchResult, formatBenchResult, formatProgress } from './report.ts'
import type { WorkerReport } from './worker-report.ts'

const PROGRESS_EVERY_MS = 500
const WORKER_ENTRY = workerEntry(import.meta.url, {
  source: './worker.ts',
  bundle: './bench-worker.mjs',
})

export async function runBench(
  config: BenchConfig,
  err: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const threads = Math.min(config.threads, config.connections)
  const plans = shareConnections(config, threads)
  const latest = plans.map(() => emptyCounts())
  const started = performance.now()
  const showProgress = err.isTTY === true && !config.json
  const progress = showProgress
    ? setInterval(() => {
        err.write(
          `\r\x1b[2K${formatProgress(sum(latest), performance.now() - started, config.durationS)}`,
        )
      }, PROGRESS_EVERY_MS)
    : undefined

  const outcomes = await Promise.all(
    plans.map((plan, i) =>
      runWorker(plan, (counts) => {
        latest[i] = counts
      }),
    ),
  )
  clearInterval(progress)
  if (showProgress) err.write('\r\x1b[2K')

  const failed = outcomes.find((o) => o.type === 'failed')
  if (failed) {
    err.write(`echolab-client: bench failed: ${failed.reason}\n`)
    return 1
  }
  const histogram = latencyHistogram()
  for (const o of outcomes)
    if (o.type === 'done') histogram.add(decodeFromCompressedBase64(o.histogram))
  const counts = sum(outcomes.map((o) => (o.type === 'done' ? o.counts : emptyCounts())))
  counts.elapsedMs = Math.max(...outcomes.map((o) => (o.type === 'done' ? o.counts.elapsedMs : 0)))
  const result: BenchResult = benchResult(config, threads, counts, histogram)
  out.write(config.json ? `${JSON.stringify(result)}\n` : formatBenchResult(result))
  return result.ok ? 0 : 1
}

/** The connections spread over the threads as evenly as they go. */
function shareConnections(config: BenchConfig, threads: number): LoadPlan[] {
  return Array.from({ length: threads }, (_, i) => ({
    host: config.host,
    port: config.port,
    connections:
      Math.floor(config.connections / threads) + (i < config.connections % threads ? 1 : 0),
    payloadBytes: config.payloadBytes,
    pipeline: config.pipeline,
    durationMs: config.durationS * 1000,
    connectTimeoutMs: config.connectTimeoutMs,
  }))
}

type Outcome = Extract<WorkerReport, { type: 'done' | 'failed' }>

function runWorker(plan: LoadPlan, onProgress: (counts: LoadCounts) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_ENTRY, { workerData: plan })
    let outcome: Outcome | undefined
    worker.on('message', (report: WorkerReport) => {
      if (report.type === 'progress') onProgress(report.counts)
      else outcome = report
    })
    worker.on('error', (error) => {
      outcome ??= { type: 'failed', reason: error.message }
    })
    worker.on('exit', (code) => {
      resolve(outcome ?? { type: 'failed', reason: `a worker thread exited with code ${code}` })
    })
  })
}

function sum(all: readonly LoadCounts[]): LoadCounts {
  const total = emptyCounts()
  for (const c of all) {
    total.messages += c.messages
    total.sentBytes += c.sentBytes
    total.receivedBytes += c.receivedBytes
    total.mismatches += c.mismatches
    total.errorLines += c.errorLines
    total.droppedConnections += c.droppedConnections
    total.unanswered += c.unanswered
    total.firstProblem ??= c.firstProblem
  }
  return total
}
