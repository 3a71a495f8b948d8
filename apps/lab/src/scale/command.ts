/**
 * `npm run lab -- scale [--clients 1,2,4,8,16,32] [--reports DIR]`: both servers with 1 to 32
 * clients at once, a table of what each client waited and took, and the report with its chart.
 */
import { ConfigError } from '@echolab/cli'
import { EXIT_INTERRUPTED, interruptible } from '../interrupt.ts'
import { outputFor, REPORTS_OPTION, readArgs } from '../lab-options.ts'
import { saveScale } from '../report/saved-runs.ts'
import { writeReport } from '../report/write-report.ts'
import { buildServers } from '../servers/server-apps.ts'
import type { Subcommand } from '../subcommand.ts'
import { paintFor } from '../timeline/paint.ts'
import { measureScale, SCALE_DEFAULTS } from './measure.ts'
import { formatMs, scaleTable } from './scale-table.ts'

/** Clients at once, at most: each is a socket of this process and one of the server's. */
const MAX_CLIENTS = 256

export const scale: Subcommand = {
  summary:
    'measure both servers with 1 to 32 clients at once; print a table, chart it in the report',
  async run(args) {
    const { values, positionals } = readArgs(args, {
      ...REPORTS_OPTION,
      clients: { type: 'string', default: SCALE_DEFAULTS.clientCounts.join(',') },
    })
    if (positionals.length > 0) throw new ConfigError(`unexpected argument '${positionals[0]}'`)
    const settings = { ...SCALE_DEFAULTS, clientCounts: clientCounts(values.clients) }
    const { reportsDir, out } = outputFor(values.reports)
    const paint = paintFor(out)
    const say = (line: string): void => void process.stderr.write(`lab: ${line}\n`)
    const run = interruptible(say)
    try {
      await buildServers()
      out.write(
        `${paint.bold('Scale')}: ${settings.clientCounts.join(', ')} clients at once, ${settings.messagesPerClient} messages each, ${settings.pauseMs} ms apart, against each server\n`,
      )
      const result = await measureScale(settings, run.signal, (point) => {
        out.write(
          paint.faint(
            `  ${point.server}, ${point.clients} clients: whole run ${formatMs(point.wholeRunMs)}\n`,
          ),
        )
      })
      out.write(
        `\n${scaleTable(result.points)}\n\nthe whole scale run took ${formatMs(result.tookMs)}\n`,
      )
      saveScale(reportsDir, result)
      out.write(`report: ${await writeReport(reportsDir)}\n`)
      return 0
    } catch (error) {
      if (!run.signal.aborted) throw error
      return EXIT_INTERRUPTED
    } finally {
      run.dispose()
    }
  },
}

function clientCounts(raw: string): number[] {
  const counts = raw.split(',').map((part) => Number(part.trim()))
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_CLIENTS)) {
    throw new ConfigError(
      `--clients must be a comma-separated list of integers 1-${MAX_CLIENTS}, got '${raw}'`,
    )
  }
  return counts
}
