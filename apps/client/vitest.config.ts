/**
 * The client's tests: unit tests for its parts, and end-to-end runs of the real program against
 * real servers (ours, plain echo servers and small fakes from testkit), in a real
 * terminal for interactive mode. `npm test -w @echolab/client` runs them.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A watchdog, not a speed target: a hung client or server fails its test instead of the run.
    // Generous because the machine is small and shared with other suites.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
})
