/** The bundle package's tests: real bundles built into temporary folders and run with Node. */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A watchdog, not a speed target (the machine is small and shared).
    testTimeout: 60_000,
  },
})
