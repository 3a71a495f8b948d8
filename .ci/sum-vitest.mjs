// Adds up vitest's JSON reports (one per package run, written into the folder ECHOLAB_TEST_RESULTS
// named: packages/testkit/src/vitest-tiers.ts) and the build cache and compose checks of the log,
// and prints the totals as the one line CI reads: "N passed, N failed". Exits 1 if any test
// failed, if a package with tests sent no report (its vitest never ran or crashed), or if none ran.
//
// Usage: node .ci/sum-vitest.mjs RESULTS_DIR LOG
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const [resultsDir, logFile] = process.argv.slice(2)
let passed = 0
let failed = 0

const reports = readdirSync(resultsDir).filter((file) => file.endsWith('.json'))
for (const file of reports) {
  const report = JSON.parse(readFileSync(join(resultsDir, file), 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests
  // A test file that fails before any test runs (an import error) has no failed test to count.
  for (const result of report.testResults) {
    const anyFailed = result.assertionResults.some((test) => test.status === 'failed')
    if (result.status === 'failed' && !anyFailed) {
      failed++
      console.log(`failed to run: ${result.name}: ${result.message ?? ''}`.split('\n')[0])
    }
  }
}

// Every workspace with a test script must have sent a report.
const root = JSON.parse(readFileSync('package.json', 'utf8'))
const workspaces = root.workspaces.flatMap((pattern) =>
  pattern.endsWith('/*')
    ? readdirSync(pattern.slice(0, -2)).map((dir) => join(pattern.slice(0, -2), dir))
    : [pattern],
)
for (const dir of workspaces) {
  const manifest = join(dir, 'package.json')
  if (!existsSync(manifest)) continue
  const { name, scripts = {} } = JSON.parse(readFileSync(manifest, 'utf8'))
  if (scripts.test === undefined) continue
  const prefix = `${name.replace(/^@/, '').replace(/\//g, '-')}-`
  if (!reports.some((file) => file.startsWith(prefix))) {
    failed++
    console.log(`no test report from ${name}: its tests did not run, or did not finish`)
  }
}

const checks = /^(?:build cache|compose|swarm): (\d+) passed, (\d+) failed$/
for (const line of readFileSync(logFile, 'utf8').split('\n')) {
  const counted = line.match(checks)
  if (!counted) continue
  passed += Number(counted[1])
  failed += Number(counted[2])
}

console.log(
  `\ntotals over ${reports.length} vitest reports and the build cache, compose and swarm checks:`,
)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
