/**
 * `npm run lab -- scale [--clients 1,2,4,8,16,32] [--reports DIR]`: both servers with 1 to 32
 * clients at once, a table of what each client waited and took, and the report with its chart.
 */
import type { Setting } from '@echolab/cli'
import { EXIT_INTERRUPTED, interruptible } from '../interrupt.ts'
import { outputFor, REPORTS_SETTING, readSubcommandArgs } from '../lab-options.ts'
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
    const read = readSubcommandArgs(SCALE_SETTINGS, args, {
      usage: 'scale [--clients 1,2,4,8,16,32] [--reports DIR]',
    })
    if (read === undefined) return 0
    const { config } = read
    const settings = { ...SCALE_DEFAULTS, clientCounts: config.clients }
    const { reportsDir, out } = outputFor(config.reports)
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

const CLIENTS_SETTING: Setting<readonly number[]> = {
  flag: 'clients',
  env: 'LAB_SCALE_CLIENTS',
  description: 'how many clients at once, one run per number',
  default: SCALE_DEFAULTS.clientCounts,
  shownDefault: SCALE_DEFAULTS.clientCounts.join(','),
  parse: (raw) => {
    const counts = raw.split(',').map((part) => Number(part.trim()))
    if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_CLIENTS)) {
      throw new Error(`a comma-separated list of integers 1-${MAX_CLIENTS}`)
    }
    return counts
  },
}

const SCALE_SETTINGS = { reports: REPORTS_SETTING, clients: CLIENTS_SETTING }
