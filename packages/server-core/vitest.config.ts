/**
 * The protocol package's unit and property tests, plus a few tests over real sockets on
 * 127.0.0.1 and port 0. `npm test -w @echolab/protocol` runs them.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A watchdog, not a speed target: a hung socket or stream fails its test instead of the run.
    // Generous because the machine is small and shared with other suites.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
