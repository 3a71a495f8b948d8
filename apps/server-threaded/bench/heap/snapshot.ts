/**
 * A heap snapshot of a thread, written to a file through its inspector session, with what the
 * thread's own `process.memoryUsage()` says after a full garbage collection, to cross-check it.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import type { InspectorSession } from './inspector.ts'

export interface ThreadMemory {
  heapUsed: number
  external: number
  arrayBuffers: number
}

const MEMORY_USAGE = `(() => {
  const { heapUsed, external, arrayBuffers } = process.memoryUsage()
  return { heapUsed, external, arrayBuffers }
})()`

/** Enables heap profiling on `thread` and returns what takes its snapshots. */
export async function heapSnapshotter(
  thread: InspectorSession,
): Promise<(file: string) => Promise<ThreadMemory>> {
  let write: (chunk: string) => void = () => {}
  thread.on('HeapProfiler.addHeapSnapshotChunk', (params) => write(String(params.chunk)))
  await thread.send('HeapProfiler.enable')
  return async (file) => {
    const fd = openSync(file, 'w')
    write = (chunk) => writeSync(fd, chunk)
    try {
      // The snapshot collects garbage itself too; the values of numbers are not needed, only
      // their sizes.
      await thread.send('HeapProfiler.collectGarbage')
      await thread.send('HeapProfiler.takeHeapSnapshot', {
        reportProgress: false,
        captureNumericValue: false,
      })
    } finally {
      write = () => {}
      closeSync(fd)
    }
    await thread.send('HeapProfiler.collectGarbage')
    const reply = await thread.send('Runtime.evaluate', {
      expression: MEMORY_USAGE,
      returnByValue: true,
    })
    if (reply.exceptionDetails !== undefined) {
      throw new Error(`process.memoryUsage() failed: ${JSON.stringify(reply.exceptionDetails)}`)
    }
    return (reply.result as { value: ThreadMemory }).value
  }
}
