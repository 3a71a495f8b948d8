/**
 * server-blocking's end-to-end suites: real server processes on 127.0.0.1, port 0, real sockets.
 * `npm test -w @echolab/server-blocking` runs them.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A watchdog, not a speed target: a hung server fails its test instead of the run. Generous
    // because the machine is small and shared, and the slow-reader test moves tens of megabytes.
    testTimeout: 90_000,
    hookTimeout: 30_000,
  },
})
