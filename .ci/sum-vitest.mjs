// Adds up the vitest "Tests" lines of every package in a turbo log, and the build cache, compose
// and swarm checks (each script's "NAME: N passed, N failed" line), and prints the totals as the
// one line CI reads: "N passed, N failed". Exits 1 if any test failed or none ran.
import { readFileSync } from 'node:fs'

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ANSI colours of the log
const ansi = /\u001b\[[0-9;]*m/g
const text = readFileSync(process.argv[2], 'utf8').replace(ansi, '')
let passed = 0
let failed = 0
let packages = 0
for (const line of text.split('\n')) {
  const checks = line.match(/^(?:compose|swarm|build cache): (\d+) passed, (\d+) failed$/)
  if (checks) {
    passed += Number(checks[1])
    failed += Number(checks[2])
    continue
  }
  const tests = line.match(/^\S*:?\s*Tests\s+(.*)\(\d+\)\s*$/)
  if (!tests) continue
  packages++
  passed += Number(tests[1].match(/(\d+) passed/)?.[1] ?? 0)
  failed += Number(tests[1].match(/(\d+) failed/)?.[1] ?? 0)
}
console.log(
  `\ntotals over ${packages} vitest packages, the build cache and the compose and swarm stacks:`,
)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
