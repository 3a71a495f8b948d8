/**
 * `npm run lab -- live [blocking|threaded] [--host H] [--port P] [--page-port Q] [--threads N]`:
 * starts one server with its live page on (issue 14), prints the page's address and the `nc`
 * command to try, shows each connection's story as the server logs it, and stops the server
 * cleanly on Ctrl-C.
 *
 * The echo port listens on 127.0.0.1 unless `--host 0.0.0.0` lets a classroom in; the page stays
 * on the server's metrics host (loopback unless METRICS_HOST says otherwise).
 */
import { ConfigError, hostname, integer, ProgramError, type Setting } from '@echolab/cli'
import { interruptible } from '../interrupt.ts'
import { readSubcommandArgs } from '../lab-options.ts'
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

const LIVE_SETTINGS: {
  host: Setting<string>
  port: Setting<number>
  pagePort: Setting<number>
  threads: Setting<number | undefined>
} = {
  host: {
    flag: 'host',
    env: 'LAB_LIVE_HOST',
    description: 'where the echo port listens (0.0.0.0 lets a classroom in)',
    default: LIVE_DEFAULTS.host,
    parse: hostname,
  },
  port: {
    flag: 'port',
    env: 'LAB_LIVE_PORT',
    description: 'the echo port (0: any free one)',
    default: LIVE_DEFAULTS.port,
    parse: integer(0, 65_535),
  },
  pagePort: {
    flag: 'page-port',
    env: 'LAB_LIVE_PAGE_PORT',
    description: "the live page (the server's metrics port; 0: any free one)",
    default: LIVE_DEFAULTS.pagePort,
    parse: integer(0, 65_535),
  },
  threads: {
    flag: 'threads',
    env: 'LAB_LIVE_THREADS',
    description: 'worker threads of the threaded server (it refuses more than it allows)',
    default: undefined,
    shownDefault: "the server's",
    parse: integer(1, 1024),
  },
}

const SERVERS: Record<string, ServerApp> = {
  blocking: 'server-blocking',
  threaded: 'server-threaded',
}

export const live: Subcommand = {
  summary: 'start a server (blocking or threaded) with its live page; Ctrl-C stops it',
  async run(args) {
    const read = readSubcommandArgs(LIVE_SETTINGS, args, {
      usage: 'live [blocking|threaded] [--host H] [--port P] [--page-port Q] [--threads N]',
      positionals: 1,
    })
    if (read === undefined) return 0
    const { config, positionals } = read
    const app = chosenServer(positionals[0] ?? 'blocking')
    const flags = [
      ...['--host', config.host],
      ...['--port', String(config.port)],
      ...['--metrics-port', String(config.pagePort)],
    ]
    if (config.threads !== undefined) {
      if (app !== 'server-threaded') throw new ConfigError('--threads is for the threaded server')
      flags.push('--threads', String(config.threads))
    }
    const say = (line: string): void => void process.stderr.write(`lab: ${line}\n`)
    const run = interruptible(say)
    try {
      await buildServers()
      const server = LiveServer.start(serverEntry(app), flags)
      const { echoPort, pagePort, pageHost } = await server.ready()
      const nc = `nc ${config.host === '0.0.0.0' ? '127.0.0.1' : config.host} ${echoPort}`
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

function chosenServer(name: string): ServerApp {
  const app = SERVERS[name]
  if (app === undefined) {
    throw new ConfigError(`no server '${name}': choose blocking or threaded`)
  }
  return app
}

function aborted(signal: AbortSignal): Promise<'interrupted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('interrupted')
    signal.addEventListener('abort', () => resolve('interrupted'), { once: true })
  })
}
