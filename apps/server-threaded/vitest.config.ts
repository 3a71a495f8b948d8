/**
 * server-threaded's tests: unit tests of its pure parts and end-to-end suites against real server
 * processes on 127.0.0.1, port 0, over real sockets. `npm test -w @echolab/server-threaded`.
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
