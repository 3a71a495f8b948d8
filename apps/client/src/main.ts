#!/usr/bin/env node
/**
 * echolab-client: the one client program (DESIGN.md, "The client"), three ways to use it:
 * interactive when stdin is a terminal, scripted when messages come from flags, the environment
 * or piped stdin (what the client containers run), and bench for load.
 *
 *   npm run client                                  # interactive, 127.0.0.1:5000
 *   npm run client -- --port 5000 --message 'Olá, meu amigo Servidor'
 *   printf 'a\nb\n' | npm run client -- --json
 *   npm run client -- bench -c 16 -s 64 -p 16 -d 10
 *
 * Settings, environment variables and exit codes: `--help` and apps/client/README.md.
 */
import { fstatSync } from 'node:fs'
import { isatty } from 'node:tty'
import { runMain } from '@echolab/cli'
import pkg from '../package.json' with { type: 'json' }
import { runBench } from './bench/bench.ts'
import { runInteractive } from './interactive.ts'
import { lineMessages, templateMessages } from './messages.ts'
import { runScripted } from './scripted.ts'
import { jsonReport, textReport } from './scripted-report.ts'
import { CLIENT_DEFAULTS, readCommandLine, type ScriptConfig } from './settings.ts'
import { exitOnUnhandledSignals } from './unhandled-signals.ts'
import { usage } from './usage.ts'

exitOnUnhandledSignals()
runMain('echolab-client', async () => {
  process.exitCode = await main()
})

async function main(): Promise<number> {
  const command = readCommandLine(process.argv.slice(2), process.env)
  switch (command.mode) {
    case 'help':
      process.stdout.write(usage())
      return 0
    case 'version':
      process.stdout.write(`${pkg.version}\n`)
      return 0
    case 'bench':
      return runBench(command.config)
    case 'talk':
      return talk(command.config)
  }
}

async function talk(config: ScriptConfig): Promise<number> {
  const given = givenMessages(config)
  const stdin = stdinKind()
  if (!given && stdin === 'terminal') return runInteractive(config)
  const report = config.json
    ? jsonReport(process.stdout)
    : textReport(process.stdout, process.stderr)
  if (given) return runScripted(config, given, report)
  if (stdin === 'lines') {
    try {
      return await runScripted(config, lineMessages(process.stdin), report)
    } finally {
      process.stdin.destroy() // it may still be open if a quit word or a failure stopped us
    }
  }
  return runScripted(
    config,
    templateMessages(CLIENT_DEFAULTS.text, CLIENT_DEFAULTS.count, config.name),
    report,
  )
}

/** The messages from --message or --count/--text (or their variables), if any were given. */
function givenMessages(config: ScriptConfig): Iterable<Buffer> | undefined {
  if (config.messages.length > 0) return config.messages
  if (config.count === undefined && config.text === undefined) return undefined
  return templateMessages(
    config.text ?? CLIENT_DEFAULTS.text,
    config.count ?? CLIENT_DEFAULTS.count,
    config.name,
  )
}

/** A terminal, lines to read (a pipe, file or socket), or nothing (/dev/null, closed). */
function stdinKind(): 'terminal' | 'lines' | 'nothing' {
  if (isatty(0)) return 'terminal'
  try {
    const stat = fstatSync(0)
    return stat.isFIFO() || stat.isFile() || stat.isSocket() ? 'lines' : 'nothing'
  } catch {
    return 'nothing'
  }
}
