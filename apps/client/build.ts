/**
 * Builds the client into dist/ (`turbo run build`): main.mjs, and bench-worker.mjs, the file each
 * bench thread runs (bench.ts starts it from beside main.mjs).
 */
import { bundleApp } from '@echolab/bundle'

await bundleApp(import.meta.dirname, { main: 'src/main.ts', 'bench-worker': 'src/bench/worker.ts' })
