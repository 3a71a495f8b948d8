/** What a test starts is stopped after it, last started first, whether it passed or not. */
import { afterEach } from 'vitest'

interface Cleanup {
  /** Runs `cleanup` after the current test. */
  defer(cleanup: () => Promise<unknown>): void
  /** Awaits `server` and stops it after the current test. */
  started<T extends { stop(): Promise<unknown> }>(server: Promise<T>): Promise<T>
}

export function cleanupAfterEach(): Cleanup {
  const cleanups: (() => Promise<unknown>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  return {
    defer(cleanup) {
      cleanups.push(cleanup)
    },
    async started(server) {
      const running = await server
      cleanups.push(() => running.stop())
      return running
    },
  }
}
