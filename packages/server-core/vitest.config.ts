/**
 * server-core's tests: unit tests (sessions over in-memory streams, logs through worker threads,
 * settings, metrics) and, in test/accept/, the accept loop and listening over real sockets on
 * 127.0.0.1. `npm test -w @echolab/server-core` runs them.
 */
import { testTiers } from '@echolab/testkit/vitest-tiers'
import { defineConfig } from 'vitest/config'

export default defineConfig(testTiers({ unit: ['test/*.test.ts'] }))
