/**
 * The lab's suites: the experiments run for real (server processes on 127.0.0.1, port 0, real
 * sockets) and their timelines asserted. `npm test -w @echolab/lab` runs them.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A watchdog, not a speed target: an experiment takes seconds by design, and this machine is
    // small and shared.
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
})
