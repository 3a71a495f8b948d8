/**
 * A bench worker thread: runs a LoadGenerator over its share of the connections, posts its
 * counts a few times a second for the progress display, then its counts and histogram.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js'
import { LoadGenerator, type LoadPlan } from './load.ts'
import type { WorkerReport } from './worker-report.ts'

const PROGRESS_EVERY_MS = 250

const port = parentPort!
const post = (report: WorkerReport): void => port.postMessage(report)
const generator = new LoadGenerator(workerData as LoadPlan)
const progress = setInterval(
  () => post({ type: 'progress', counts: generator.counts }),
  PROGRESS_EVERY_MS,
)
try {
  const counts = await generator.run()
  post({ type: 'done', counts, histogram: encodeIntoCompressedBase64(generator.histogram) })
} catch (error) {
  post({ type: 'failed', reason: (error as Error).message })
} finally {
  clearInterval(progress)
}
