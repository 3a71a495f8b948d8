/**
 * server-threaded's tests: unit tests of its pure parts (counters across threads, the restart
 * policy, the CPU quota) and end-to-end suites against real server processes on 127.0.0.1, port
 * 0, over real sockets. `npm test -w @echolab/server-threaded`.
 */
import { testTiers } from '@echolab/testkit/vitest-tiers'
import { defineConfig } from 'vitest/config'

export default defineConfig(
  testTiers({
    unit: [
      'test/connection-counters.test.ts',
      'test/cpu-quota.test.ts',
      'test/restart-policy.test.ts',
    ],
    // The slow-reader test moves tens of megabytes.
    e2eTimeoutMs: 90_000,
  }),
)
