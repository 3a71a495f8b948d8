/**
 * Builds server-threaded into dist/ (`turbo run build`): main.mjs, and worker.mjs, the file each
 * worker thread runs (worker-pool.ts starts it from beside main.mjs).
 */
import { bundleApp } from '@echolab/bundle'

await bundleApp(import.meta.dirname, { main: 'src/main.ts', worker: 'src/worker.ts' })
