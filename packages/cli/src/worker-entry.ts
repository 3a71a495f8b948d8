/**
 * The file a worker thread runs, found from the module that starts it (its `import.meta.url`).
 * Development runs the sources, where the worker is a `.ts` file beside that module. What ships
 * is the app's bundle (dist/, built by @echolab/bundle): that module is inlined into
 * `dist/main.mjs`, and the worker is a bundle of its own beside it.
 */
interface WorkerFiles {
  /** Relative to the starting module's source file, e.g. `./worker.ts`. */
  source: string
  /** Relative to the app's `dist/main.mjs`, e.g. `./worker.mjs`. */
  bundle: string
}

export function workerEntry(startingModuleUrl: string, files: WorkerFiles): URL {
  const inBundle = startingModuleUrl.endsWith('.mjs')
  return new URL(inBundle ? files.bundle : files.source, startingModuleUrl)
}
