/**
 * `npm run lab -- live [blocking|threaded] [--host H] [--port P] [--page-port Q] [--threads N]`:
 * starts one server with its live page on (issue 14), prints the page's address and the `nc`
 * command to try, shows each connection's story as the server logs it, and stops the server
 * cleanly on Ctrl-C.
 *
 * The echo port listens on 127.0.0.1 unless `--host 0.0.0.0` lets a classroom in; the page stays
 * on the server's metrics host (loopback unless METRICS_HOST says otherwise).
 */
import { ConfigError, ProgramError } from '@echolab/cli'
import { interruptible } from '../interrupt.ts'
import { readArgs } from '../lab-options.ts'
import { buildServers, type ServerApp, serverEntry } from '../servers/server-apps.ts'
import type { Subcommand } from '../subcommand.ts'
import { LiveServer } from './live-server.ts'
import { describeLogLine } from './log-story.ts'

const LIVE_DEFAULTS = Object.freeze({
  /** Loopback: a server a person starts to look at is not open to the network unless asked. */
  host: '127.0.0.1',
  /** The protocol's port, so the `nc` line is the one in the lab sheet. */
  port: 5000,
  /** The port the images use for /healthz and /metrics. */
  pagePort: 9464,
})

const SERVERS: Record<string, ServerApp> = {
  blocking: 'server-blocking',
  threaded: 'server-threaded',
}

export const live: Subcommand = {
  summary: 'start a server (blocking or threaded) with its live page; Ctrl-C stops it',
  async run(args) {
    const { values, positionals } = readArgs(args, {
      host: { type: 'string', default: LIVE_DEFAULTS.host },
      port: { type: 'string', default: String(LIVE_DEFAULTS.port) },
      'page-port': { type: 'string', default: String(LIVE_DEFAULTS.pagePort) },
      threads: { type: 'string' },
    })
    const app = chosenServer(positionals)
    const flags = [
      ...['--host', values.host],
      ...['--port', String(port('--port', values.port))],
      ...['--metrics-port', String(port('--page-port', values['page-port']))],
    ]
    if (values.threads !== undefined) {
      if (app !== 'server-threaded') throw new ConfigError('--threads is for the threaded server')
      flags.push('--threads', values.threads)
    }
    const say = (line: string): void => void process.stderr.write(`lab: ${line}\n`)
    const run = interruptible(say)
    try {
      await buildServers()
      const server = LiveServer.start(serverEntry(app), flags)
      const { echoPort, pagePort, pageHost } = await server.ready()
      const nc = `nc ${values.host === '0.0.0.0' ? '127.0.0.1' : values.host} ${echoPort}`
      process.stdout.write(
        [
          `${app} is running with its live page.`,
          `  open the page:  http://${pageHost}:${pagePort}/`,
          `  try a client:   ${nc}      (type a line; 'sair' leaves)`,
          '  Ctrl-C stops it.',
          '',
        ].join('\n'),
      )
      server.onLogLine((line) => {
        const story = describeLogLine(line)
        if (story !== undefined) process.stdout.write(`  ${story}\n`)
      })
      const ended = await Promise.race([server.exited, aborted(run.signal)])
      if (ended !== 'interrupted') {
        throw new ProgramError(`${app} stopped by itself (${ended}): ${server.lastError}`, 1)
      }
      await server.stop()
      say(`${app} stopped`)
      return 0
    } finally {
      run.dispose()
    }
  },
}

function chosenServer(positionals: string[]): ServerApp {
  const [name = 'blocking', extra] = positionals
  if (extra !== undefined) throw new ConfigError(`unexpected argument '${extra}'`)
  const app = SERVERS[name]
  if (app === undefined) {
    throw new ConfigError(`no server '${name}': choose blocking or threaded`)
  }
  return app
}

function port(flag: string, raw: string): number {
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value > 65_535) {
    throw new ConfigError(`${flag} must be an integer 0-65535, got '${raw}'`)
  }
  return value
}

function aborted(signal: AbortSignal): Promise<'interrupted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('interrupted')
    signal.addEventListener('abort', () => resolve('interrupted'), { once: true })
  })
}
