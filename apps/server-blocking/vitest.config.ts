/**
 * server-blocking's end-to-end suites: real server processes on 127.0.0.1, port 0, real sockets
 * (no unit tests: its parts are server-core's). `npm test -w @echolab/server-blocking` runs them.
 */
import { testTiers } from '@echolab/testkit/vitest-tiers'
import { defineConfig } from 'vitest/config'

export default defineConfig(
  testTiers({
    unit: [],
    // The slow-reader test moves tens of megabytes.
    e2eTimeoutMs: 90_000,
  }),
)
