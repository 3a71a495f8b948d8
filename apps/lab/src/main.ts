#!/usr/bin/env node
/**
 * The lab, one command each (DESIGN.md, "The lab, visible"):
 *
 *   npm run lab                 every experiment, one after the other
 *   npm run lab -- 2            one experiment (1-5)
 *   npm run lab -- scale        both servers with 1 to 32 clients
 *   npm run lab -- live         a server with its live page on (blocking or threaded)
 *   npm run lab -- help         what each subcommand does
 *
 * This file only maps a subcommand to its module; each module says what it does.
 */
import { ConfigError, runMain } from '@echolab/cli'
import type { Subcommand } from './subcommand.ts'

/** Subcommand name → its module, imported only when asked for. */
const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  experiments: async () => (await import('./experiments/command.ts')).experiments,
  scale: async () => (await import('./scale/command.ts')).scale,
  live: async () => (await import('./live/command.ts')).live,
}

/** With no name (an experiment number or a flag first), the experiments run. */
const DEFAULT_SUBCOMMAND = 'experiments'

runMain('lab', async () => {
  const [name, ...rest] = process.argv.slice(2)
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(await usage())
    return
  }
  const chosen = name === undefined || /^(\d+|-.*)$/.test(name) ? DEFAULT_SUBCOMMAND : name
  const load = SUBCOMMANDS[chosen]
  if (load === undefined) {
    throw new ConfigError(`unknown subcommand '${name}' (see npm run lab -- help)`)
  }
  const args = chosen === name ? rest : process.argv.slice(2)
  process.exitCode = await (await load()).run(args)
})

async function usage(): Promise<string> {
  const lines = ['Usage: npm run lab -- [SUBCOMMAND] [ARGS]', '']
  for (const [name, load] of Object.entries(SUBCOMMANDS)) {
    lines.push(`  ${name.padEnd(12)} ${(await load()).summary}`)
  }
  lines.push('', "Each subcommand's flags (each also a LAB_* variable): npm run lab -- NAME --help")
  return `${lines.join('\n')}\n`
}
