/**
 * The lab's suites: the scale run's arithmetic and table on made-up numbers (unit), and the
 * experiments run for real (server processes on 127.0.0.1, port 0, real sockets) with their
 * timelines asserted. `npm test -w @echolab/lab` runs them.
 */
import { testTiers } from '@echolab/testkit/vitest-tiers'
import { defineConfig } from 'vitest/config'

export default defineConfig(
  testTiers({
    unit: ['test/scale-table.test.ts', 'test/log-story.test.ts'],
    // An experiment takes seconds by design.
    e2eTimeoutMs: 120_000,
  }),
)
