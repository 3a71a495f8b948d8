/**
 * The testkit's own tests: all unit (they read the repository's files; nothing starts a process
 * or opens a socket). `npm test -w @echolab/testkit` runs them.
 */
import { defineConfig } from 'vitest/config'
import { testTiers } from './src/vitest-tiers.ts'

export default defineConfig(testTiers({ unit: ['test/**/*.test.ts'] }))
