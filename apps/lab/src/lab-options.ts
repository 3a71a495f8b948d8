/**
 * The flags every lab subcommand takes, read with node:util's parseArgs; bad usage is one line
 * naming the problem (exit 2).
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util'
import { ConfigError } from '@echolab/cli'
import { DEFAULT_REPORTS_DIR } from './paths.ts'

export const REPORTS_OPTION = {
  reports: { type: 'string', default: DEFAULT_REPORTS_DIR },
} as const satisfies ParseArgsOptionsConfig

export function readArgs<T extends ParseArgsOptionsConfig>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: true })
  } catch (error) {
    throw new ConfigError(`${(error as Error).message.split('\n')[0]} (see npm run lab -- help)`)
  }
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
