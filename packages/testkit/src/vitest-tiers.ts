/**
 * Every package's vitest configuration: two tiers, as vitest projects.
 *
 * - unit: the files listed in `unit`: no sockets, no processes (unit-guard.ts makes sure), seconds
 *   for the lot. `npm run test:unit` (turbo task `test:unit`; needs no build).
 * - e2e: every other test file: real server processes, real sockets, real terminals.
 *   `npm run test:e2e` (turbo task `test:e2e`; depends on the build).
 *
 * `npm test` runs both. A new test file is end-to-end until it is listed as unit, so the fast
 * tier can only be wrongly slow if someone says so. With ECHOLAB_TEST_RESULTS set to a folder,
 * each run also writes vitest's JSON report there, named after its package (one file per run):
 * .ci/run counts from those (.ci/sum-vitest.mjs).
 */
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ViteUserConfig } from 'vitest/config'

interface TierOptions {
  /** The unit test files, relative to the package (`test/line-decoder.test.ts`). */
  unit: readonly string[]
  /**
   * Watchdogs, not speed targets: a hung test fails instead of the run. Generous because the
   * machine is small and shared with other suites.
   */
  unitTimeoutMs?: number
  e2eTimeoutMs?: number
}

const UNIT_GUARD = fileURLToPath(new URL('./unit-guard.ts', import.meta.url))

export function testTiers({
  unit,
  unitTimeoutMs = 20_000,
  e2eTimeoutMs = 30_000,
}: TierOptions): ViteUserConfig {
  const results = process.env.ECHOLAB_TEST_RESULTS
  return {
    test: {
      ...(results
        ? {
            reporters: ['default', 'json'],
            outputFile: { json: join(results, `${reportName()}.json`) },
          }
        : {}),
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            include: [...unit],
            setupFiles: [UNIT_GUARD],
            testTimeout: unitTimeoutMs,
            hookTimeout: unitTimeoutMs,
          },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            include: ['test/**/*.test.ts'],
            exclude: [...unit],
            testTimeout: e2eTimeoutMs,
            hookTimeout: 30_000,
          },
        },
      ],
    },
  }
}

/** `echolab-cli-<pid>`: which package the report is from (.ci checks every package sent one). */
function reportName(): string {
  const name = process.env.npm_package_name ?? basename(process.cwd())
  return `${name.replace(/^@/, '').replace(/\//g, '-')}-${process.pid}`
}
