/**
 * The client's tests: unit tests for its parts (test/parts.test.ts), and end-to-end runs of the
 * real program against real servers (ours, plain echo servers and small fakes from testkit), in a
 * real terminal for interactive mode. `npm test -w @echolab/client` runs them.
 */
import { testTiers } from '@echolab/testkit/vitest-tiers'
import { defineConfig } from 'vitest/config'

export default defineConfig(
  testTiers({
    unit: ['test/parts.test.ts'],
    // The end-to-end runs wait for servers, terminals and retries.
    e2eTimeoutMs: 60_000,
  }),
)
