/**
 * `npm run lab [-- N ...] [--reports DIR]`: runs the experiments (all, or the ones named by
 * number), prints each one's timeline and checks, and writes the report. Exit 0 only if every
 * experiment showed what the lab expects; 1 otherwise, saying which and why; 130 on Ctrl-C.
 */
import { ConfigError } from '@echolab/cli'
import { EXIT_INTERRUPTED, interruptible } from '../interrupt.ts'
import { outputFor, REPORTS_SETTING, readSubcommandArgs } from '../lab-options.ts'
import { saveExperiments } from '../report/saved-runs.ts'
import { writeReport } from '../report/write-report.ts'
import { buildServers } from '../servers/server-apps.ts'
import type { Subcommand } from '../subcommand.ts'
import { paintFor } from '../timeline/paint.ts'
import { EXPERIMENTS } from './catalog.ts'
import { experimentHeading, experimentText } from './experiment-text.ts'
import { type ExperimentResult, runExperiment } from './run-experiment.ts'

export const experiments: Subcommand = {
  summary: `run the experiments (all, or the ones named: 1-${EXPERIMENTS.length}) and show their timelines`,
  async run(args) {
    const read = readSubcommandArgs({ reports: REPORTS_SETTING }, args, {
      usage: `[1-${EXPERIMENTS.length} ...] [--reports DIR]`,
      positionals: Number.POSITIVE_INFINITY,
    })
    if (read === undefined) return 0
    const { config, positionals } = read
    const chosen = positionals.length === 0 ? EXPERIMENTS : positionals.map(experimentNumbered)
    const { reportsDir, out, width } = outputFor(config.reports)
    const paint = paintFor(out)
    const say = (line: string): void => void process.stderr.write(`lab: ${line}\n`)
    const run = interruptible(say)
    const results: ExperimentResult[] = []
    try {
      await buildServers()
      out.write(LAB_PREFACE)
      for (const experiment of chosen) {
        out.write(`\n${experimentHeading(experiment, paint)}`)
        const result = await runExperiment(experiment, run.signal, (label, server) => {
          out.write(
            paint.faint(`  (${label} listening on 127.0.0.1:${server.port}, pid ${server.pid})\n`),
          )
        })
        results.push(result)
        out.write(experimentText(result, width, paint))
      }
    } catch (error) {
      if (!run.signal.aborted) throw error
      return EXIT_INTERRUPTED
    } finally {
      run.dispose()
      if (results.length > 0) {
        saveExperiments(reportsDir, results)
        out.write(`\nreport: ${await writeReport(reportsDir)}\n`)
      }
    }
    const failed = results.filter((r) => r.problems.length > 0)
    for (const { experiment, problems } of failed) {
      say(
        `experiment ${experiment.id} does not show what the lab expects: ${problems.map((p) => `${p.says}: ${p.why}`).join('; ')}`,
      )
    }
    out.write(
      failed.length === 0
        ? paint.ok(
            `${results.length} of ${results.length} experiments showed what the lab expects.\n`,
          )
        : paint.error(
            `${failed.length} of ${results.length} experiments did not show what the lab expects.\n`,
          ),
    )
    return failed.length === 0 ? 0 : 1
  },
}

/** What a person who has never read the code needs before the first timeline. */
const LAB_PREFACE = `
Two echo servers that differ in one thing only: how they schedule their clients.
  server-blocking serves one client at a time, from its first message to its last; whoever
  connects meanwhile is accepted but waits in line, unanswered, until the client before leaves.
  server-threaded serves every client at once, on worker threads.
Each experiment starts the right server, plays clients timed to show the difference, draws what
happened (one row per client, time going right), and checks that it shows what the lab expects.
`

function experimentNumbered(id: string) {
  const found = EXPERIMENTS.find((e) => e.id === id)
  if (found === undefined) {
    throw new ConfigError(`no experiment '${id}': the experiments are 1-${EXPERIMENTS.length}`)
  }
  return found
}
