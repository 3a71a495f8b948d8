/**
 * The lab's suites, all end-to-end: the experiments run for real (server processes on
 * 127.0.0.1, port 0, real sockets) and their timelines asserted. `npm test -w @echolab/lab` runs
 * them.
 */
import { testTiers } from '@echolab/testkit/vitest-tiers'
import { defineConfig } from 'vitest/config'

export default defineConfig(
  testTiers({
    unit: [],
    // An experiment takes seconds by design.
    e2eTimeoutMs: 120_000,
  }),
)
