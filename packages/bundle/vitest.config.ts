/**
 * The bundle package's tests, end-to-end: real bundles built into temporary folders and run
 * with Node (processes).
 */
import { testTiers } from '@echolab/testkit/vitest-tiers'
import { defineConfig } from 'vitest/config'

export default defineConfig(testTiers({ unit: [], e2eTimeoutMs: 60_000 }))
