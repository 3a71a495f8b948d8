/**
 * The protocol package's tests: all unit and property tests (bytes in, messages and replies out;
 * no socket, no process). `npm test -w @echolab/protocol` runs them.
 */
import { testTiers } from '@echolab/testkit/vitest-tiers'
import { defineConfig } from 'vitest/config'

export default defineConfig(testTiers({ unit: ['test/**/*.test.ts'] }))
