/**
 * How a lab subcommand reads its flags: with the one settings loader every echolab program uses
 * (loadConfig in @echolab/cli), so a flag is also a LAB_* variable, `--help` lists them, and a
 * bad one stops the lab with one line naming it (exit 2).
 */
import {
  type ConfigOf,
  describeSettings,
  loadConfig,
  type Setting,
  type Settings,
} from '@echolab/cli'
import { DEFAULT_REPORTS_DIR } from './paths.ts'

/** Every subcommand that writes the report takes it. */
export const REPORTS_SETTING: Setting<string> = {
  flag: 'reports',
  env: 'LAB_REPORTS_DIR',
  description: 'the folder lab.html and the saved runs go to',
  default: DEFAULT_REPORTS_DIR,
  shownDefault: 'reports/ at the repository root',
  parse: (raw) => {
    if (raw.trim() === '') throw new Error('a folder')
    return raw
  },
}

interface SubcommandUsage {
  /** What follows `npm run lab --` (`live [blocking|threaded] [flags]`). */
  usage: string
  /** How many arguments that are not flags it takes. */
  positionals?: number
}

/**
 * The subcommand's settings and its other arguments from `args`, or undefined when `--help`
 * asked for its usage (printed here).
 */
export function readSubcommandArgs<S extends Settings>(
  settings: S,
  args: readonly string[],
  { usage, positionals = 0 }: SubcommandUsage,
): { config: ConfigOf<S>; positionals: readonly string[] } | undefined {
  const loaded = loadConfig(settings, { argv: args, asks: { help: 'h' }, positionals })
  if (loaded.asked === undefined) return loaded
  process.stdout.write(
    `Usage: npm run lab -- ${usage}\n\nSettings, each a flag and an environment variable:\n${describeSettings(settings)}\n`,
  )
  return undefined
}

/** Where the report goes, and the room to print in. */
interface Output {
  reportsDir: string
  out: NodeJS.WriteStream
  width: number
}

export function outputFor(reportsDir: string): Output {
  const out = process.stdout
  return { reportsDir, out, width: out.isTTY ? Math.min(out.columns, 140) : 110 }
}
