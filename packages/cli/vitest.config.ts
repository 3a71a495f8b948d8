/**
 * The cli package's tests: all unit (argv and env are passed to the loader; nothing starts a
 * process or opens a socket). `npm test -w @echolab/cli` runs them.
 */
import { testTiers } from '@echolab/testkit/vitest-tiers'
import { defineConfig } from 'vitest/config'

export default defineConfig(testTiers({ unit: ['test/**/*.test.ts'] }))
