/**
 * The client's settings: one frozen defaults object, each setting readable from a flag and from
 * the environment (flags win; compose passes no flags, so everything a container needs has an
 * environment variable), validated once at start. A bad value is a ConfigError: one line naming
 * the setting, the value and what is allowed, then exit 2 (STYLE.md principle 5).
 */
import { hostname as machineName } from 'node:os'
import {
  ConfigError,
  type ConfigOf,
  hostname,
  integer,
  loadConfig,
  type Settings,
  yesNo,
} from '@echolab/cli'
import { PROTOCOL_DEFAULTS } from '@echolab/protocol'
import { checkTemplate } from './messages.ts'

export const CLIENT_DEFAULTS = Object.freeze({
  /** The server on this machine: the lab runs both ends side by side. */
  host: '127.0.0.1',
  /** The lab's port, the servers' default. */
  port: PROTOCOL_DEFAULTS.port,
  /** A server container may still be starting when the client container is. */
  connectTimeoutMs: 30_000,
  /** A blocking server serves the clients before us first: give them time to finish. */
  replyTimeoutMs: 120_000,
  /**
   * Connections a scripted run may open again after losing one: a rolling update of three
   * replicas moves a client at most three times, with room to spare; a server that keeps
   * dropping us still fails the run soon.
   */
  reconnects: 5,
  /** Send each message as soon as the previous reply is in. */
  intervalMs: 0,
  /** One message when --text is given without --count. */
  count: 1,
  /** The lab's message (experiment 1). */
  text: 'Olá, meu amigo Servidor',
  /** How long a person waits for a reply before being told the server may be busy (DESIGN.md). */
  busyNoticeMs: 1_000,
  /** After `sair`, how long the server gets to flush what it owes and close before we do. */
  quitCloseWaitMs: 5_000,
  /** Enough sockets to keep both server threads of a 2-core machine busy. */
  benchConnections: 16,
  /** A short chat line. */
  benchPayloadBytes: 64,
  /** Messages in flight per connection: enough to hide the round trip. */
  benchPipeline: 16,
  benchDurationS: 10,
  benchThreads: 1,
})

/** The longest bench run: a benchmark is a measurement, not a load test left running. */
const MAX_BENCH_DURATION_S = 600
/** Message bytes one bench connection may have in flight (--pipeline × --size): memory stays bounded. */
const MAX_BENCH_IN_FLIGHT_BYTES = 64 * 1024 * 1024

const ONE_HOUR_MS = 3_600_000

/** A line to send: anything but LF, which would make it two messages. */
function messageLines(raw: string): readonly Buffer[] {
  if (raw.includes('\n')) throw new Error('a single line (no line feed)')
  return [Buffer.from(raw)]
}

/** CLIENT_MESSAGES: one message per line; blank lines (a YAML block's last LF) are skipped. */
function messageList(raw: string): readonly Buffer[] {
  const lines = raw.split('\n').filter((line) => line.trim() !== '')
  if (lines.length === 0) throw new Error('one message or more, one per line')
  return lines.map((line) => Buffer.from(line.replace(/\r$/, '')))
}

/** {name} in templates and the summary: something to tell clients apart by. */
function clientName(raw: string): string {
  const name = raw.trim()
  if (name === '') throw new Error('a name (not blank)')
  return name
}

function template(raw: string): string {
  const problem = checkTemplate(raw)
  if (problem) throw new Error(problem)
  return raw
}

/** Where the server is and how long to try reaching it: every mode needs these. */
export const CONNECTION_SETTINGS = {
  host: {
    flag: 'host',
    env: 'SERVER_HOST',
    description: 'server host name or IP address',
    default: CLIENT_DEFAULTS.host,
    parse: hostname,
  },
  port: {
    flag: 'port',
    env: 'SERVER_PORT',
    description: 'server TCP port',
    default: CLIENT_DEFAULTS.port,
    parse: integer(1, 65535),
  },
  connectTimeoutMs: {
    flag: 'connect-timeout-ms',
    env: 'CLIENT_CONNECT_TIMEOUT_MS',
    description: 'keep retrying the first connection (with backoff) this long; 0 = try once',
    default: CLIENT_DEFAULTS.connectTimeoutMs,
    parse: integer(0, ONE_HOUR_MS),
  },
  json: {
    flag: 'json',
    env: 'CLIENT_JSON',
    description: 'print one JSON object per line instead of text',
    default: false,
    parse: yesNo,
    kind: 'switch',
  },
} satisfies Settings

/** What scripted (and interactive) mode sends and how long it waits. */
export const SCRIPT_SETTINGS = {
  messages: {
    flag: 'message',
    env: 'CLIENT_MESSAGES',
    description: 'a message to send (repeat the flag for more; the variable takes one per line)',
    default: [] as readonly Buffer[],
    parse: messageLines,
    parseEnv: messageList,
    kind: 'repeated',
    shownDefault: 'none',
  },
  count: {
    flag: 'count',
    env: 'CLIENT_COUNT',
    description: 'send this many messages made from --text',
    default: undefined as number | undefined,
    parse: integer(1, 1_000_000),
    shownDefault: `${CLIENT_DEFAULTS.count} when --text is given`,
  },
  text: {
    flag: 'text',
    env: 'CLIENT_TEXT',
    description: 'message template for --count: {name} = client name, {n} = message number',
    default: undefined as string | undefined,
    parse: template,
    shownDefault: `'${CLIENT_DEFAULTS.text}'`,
  },
  intervalMs: {
    flag: 'interval-ms',
    env: 'CLIENT_INTERVAL_MS',
    description: 'pause between one reply and the next message',
    default: CLIENT_DEFAULTS.intervalMs,
    parse: integer(0, ONE_HOUR_MS),
  },
  name: {
    flag: 'name',
    env: 'CLIENT_NAME',
    description: 'this client in {name} (containers: the container id)',
    default: machineName(),
    parse: clientName,
    shownDefault: 'the host name',
  },
  noWait: {
    flag: 'no-wait',
    env: 'CLIENT_NO_WAIT',
    description: 'send on schedule without waiting for each reply first',
    default: false,
    parse: yesNo,
    kind: 'switch',
  },
  reconnects: {
    flag: 'reconnects',
    env: 'CLIENT_RECONNECTS',
    description:
      'scripted mode: connect again this many times when the server drops us or shuts down; 0 = never',
    default: CLIENT_DEFAULTS.reconnects,
    parse: integer(0, 1_000),
  },
  replyTimeoutMs: {
    flag: 'reply-timeout-ms',
    env: 'CLIENT_REPLY_TIMEOUT_MS',
    description: 'give up on a reply after this long (scripted mode); 0 = wait forever',
    default: CLIENT_DEFAULTS.replyTimeoutMs,
    parse: integer(0, ONE_HOUR_MS),
  },
} satisfies Settings

/** The load generator's shape of traffic. */
export const BENCH_SETTINGS = {
  connections: {
    flag: 'connections',
    short: 'c',
    env: 'BENCH_CONNECTIONS',
    description: 'connections to open',
    default: CLIENT_DEFAULTS.benchConnections,
    parse: integer(1, 10_000),
  },
  payloadBytes: {
    flag: 'size',
    short: 's',
    env: 'BENCH_PAYLOAD_BYTES',
    description: 'bytes per message, LF excluded',
    default: CLIENT_DEFAULTS.benchPayloadBytes,
    parse: integer(1, 16 * 1024 * 1024),
  },
  pipeline: {
    flag: 'pipeline',
    short: 'p',
    env: 'BENCH_PIPELINE',
    description: 'messages in flight per connection',
    default: CLIENT_DEFAULTS.benchPipeline,
    parse: integer(1, 4096),
  },
  durationS: {
    flag: 'duration',
    short: 'd',
    env: 'BENCH_DURATION_S',
    description: `seconds to send for (at most ${MAX_BENCH_DURATION_S})`,
    default: CLIENT_DEFAULTS.benchDurationS,
    parse: integer(1, MAX_BENCH_DURATION_S),
  },
  threads: {
    flag: 'threads',
    short: 't',
    env: 'BENCH_THREADS',
    description: 'worker threads sharing the connections',
    default: CLIENT_DEFAULTS.benchThreads,
    parse: integer(1, 64),
  },
} satisfies Settings

export type ConnectionConfig = ConfigOf<typeof CONNECTION_SETTINGS>
export type ScriptConfig = ConnectionConfig & ConfigOf<typeof SCRIPT_SETTINGS>
export type BenchConfig = ConnectionConfig & ConfigOf<typeof BENCH_SETTINGS>

type CommandLine =
  | { mode: 'help' }
  | { mode: 'version' }
  | { mode: 'bench'; config: BenchConfig }
  | { mode: 'talk'; config: ScriptConfig }

/** Reads the command line and the environment; throws ConfigError on bad usage. */
export function readCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): CommandLine {
  // `bench` (first) or `--bench` (anywhere) picks the load generator and its settings.
  const bench = argv[0] === 'bench' || argv.includes('--bench')
  const asks = { help: 'h', version: 'V' }
  if (bench) {
    const args = argv.filter((arg, i) => arg !== '--bench' && !(i === 0 && arg === 'bench'))
    const loaded = loadConfig(
      { ...CONNECTION_SETTINGS, ...BENCH_SETTINGS },
      { argv: args, env, asks },
    )
    if (loaded.asked !== undefined) return { mode: loaded.asked as 'help' | 'version' }
    return { mode: 'bench', config: checkedBench(loaded.config) }
  }
  const loaded = loadConfig({ ...CONNECTION_SETTINGS, ...SCRIPT_SETTINGS }, { argv, env, asks })
  if (loaded.asked !== undefined) return { mode: loaded.asked as 'help' | 'version' }
  const talk = loaded.config
  if (talk.messages.length > 0 && (talk.count !== undefined || talk.text !== undefined)) {
    throw new ConfigError('--message (CLIENT_MESSAGES) cannot be combined with --count/--text')
  }
  return { mode: 'talk', config: talk }
}

function checkedBench(config: BenchConfig): BenchConfig {
  const inFlight = config.pipeline * (config.payloadBytes + 1)
  if (inFlight > MAX_BENCH_IN_FLIGHT_BYTES) {
    throw new ConfigError(
      `--pipeline × --size must keep at most ${MAX_BENCH_IN_FLIGHT_BYTES} bytes in flight per connection, got ${config.pipeline} × ${config.payloadBytes}`,
    )
  }
  return config
}
