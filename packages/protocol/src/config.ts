/**
 * Configuration shared by every service: one frozen defaults object, values from flags and the
 * environment (flags win), validated once at start. A bad value is refused, never clamped, with
 * one line that names the setting, the value and what is allowed (STYLE.md principle 5).
 */
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'

export const DEFAULTS = Object.freeze({
  /** Every interface, so containers and other machines can reach the server (DESIGN.md). */
  host: '0.0.0.0',
  /** The lab's port. */
  port: 5000,
  /** Largest message, LF excluded: big enough for any line a person or script sends. */
  maxMessageBytes: 64 * 1024,
  /** A client silent this long is told so and disconnected: a person typing is never this slow. */
  idleTimeoutMs: 5 * 60_000,
  /** Reply bytes owed to a client that is not reading before we stop reading from it. */
  maxBufferedReplyBytes: 256 * 1024,
  /** How long a client that is not reading may keep us waiting before it is dropped. */
  drainTimeoutMs: 30_000,
  /** How long sessions may go on after SIGTERM before they are told the server is going away. */
  shutdownGraceMs: 5_000,
  /** Clients allowed to wait for the blocking server: a queue, not a denial of service. */
  maxWaiting: 128,
  /** Concurrent clients of the threaded server, across all its threads. */
  maxClients: 10_000,
  /** One event loop per core: the kernel spreads connections across them. */
  threads: availableParallelism(),
  /** Per-message log lines per second per thread: every message a person types, not every one a benchmark sends. */
  messageLogsPerSecond: 50,
  logLevel: 'info' as LogLevel,
  /** Pretty on a terminal, JSON everywhere else (DESIGN.md, "Logging"). */
  logFormat: 'auto' as LogFormat,
})

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

/** A bad setting: `message` is the one line to print before exiting. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** How one setting is read: its flag, its environment variable and how a raw string becomes a value. */
export interface Setting<T> {
  flag: string
  env: string
  /** Shown by --help. */
  description: string
  default: T
  /** Returns the value, or throws a string saying what is allowed (e.g. "an integer 1-65535"). */
  parse: (raw: string) => T
}

export type Settings = Record<string, Setting<unknown>>
export type ConfigOf<S extends Settings> = { readonly [K in keyof S]: S[K]['default'] }

/**
 * Reads every setting in `settings` from `argv` (flags win) and `env`. Throws ConfigError on an
 * unknown flag or a bad value. `extraFlags` are boolean flags the program handles itself
 * (--help, --version, ...); they are returned in `flags`.
 */
export function loadConfig<S extends Settings>(
  settings: S,
  { argv = process.argv.slice(2), env = process.env, extraFlags = [] as readonly string[] } = {},
): { config: ConfigOf<S>; flags: Record<string, boolean>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {}
  for (const setting of Object.values(settings)) options[setting.flag] = { type: 'string' }
  for (const flag of extraFlags) options[flag] = { type: 'boolean' }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true })
  } catch (error) {
    // parseArgs adds lines of advice (e.g. for `--port -1`); the contract is one line.
    throw new ConfigError((error as Error).message.split('\n')[0]!)
  }
  const config: Record<string, unknown> = {}
  for (const [key, setting] of Object.entries(settings)) {
    const fromFlag = parsed.values[setting.flag]
    const [source, raw] =
      typeof fromFlag === 'string'
        ? [`--${setting.flag}`, fromFlag]
        : [setting.env, env[setting.env]]
    config[key] =
      raw === undefined || raw === '' ? setting.default : parseOrExplain(source, raw, setting)
  }
  const flags: Record<string, boolean> = {}
  for (const flag of extraFlags) flags[flag] = parsed.values[flag] === true
  return { config: Object.freeze(config) as ConfigOf<S>, flags, positionals: parsed.positionals }
}

function parseOrExplain<T>(source: string, raw: string, setting: Setting<T>): T {
  try {
    return setting.parse(raw)
  } catch (allowed) {
    throw new ConfigError(`${source} must be ${String(allowed)}, got '${raw}'`)
  }
}

/** The settings as a --help table: flag, environment variable, default, what it is. */
export function describeSettings(settings: Settings): string {
  return Object.values(settings)
    .map(
      (s) =>
        `  --${s.flag.padEnd(24)} ${s.env.padEnd(26)} ${s.description} (default: ${s.default === undefined ? 'off' : String(s.default)})`,
    )
    .join('\n')
}

// ---- parsers: each returns the value or throws what is allowed ---------------------------------

export function integer(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw)
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw `an integer ${min}-${max}`
    }
    return value
  }
}

export function oneOf<const T extends string>(allowed: readonly T[]): (raw: string) => T {
  return (raw) => {
    const value = raw.trim().toLowerCase()
    if (!(allowed as readonly string[]).includes(value)) throw `one of ${allowed.join(', ')}`
    return value as T
  }
}

export function hostname(raw: string): string {
  const value = raw.trim()
  if (!/^[A-Za-z0-9.:_-]+$/.test(value) || value.length > 253) {
    throw 'a hostname or an IP address'
  }
  return value
}

// ---- the settings the services share ----------------------------------------------------------

const ONE_DAY_MS = 86_400_000

export const SERVER_SETTINGS = {
  host: {
    flag: 'host',
    env: 'HOST',
    description: 'address to listen on',
    default: DEFAULTS.host,
    parse: hostname,
  },
  port: {
    flag: 'port',
    env: 'PORT',
    description: 'TCP port to listen on (0 = any free port)',
    default: DEFAULTS.port,
    parse: integer(0, 65535),
  },
  maxMessageBytes: {
    flag: 'max-message-bytes',
    env: 'MAX_MESSAGE_BYTES',
    description: 'largest message in bytes, LF excluded',
    default: DEFAULTS.maxMessageBytes,
    parse: integer(1, 16 * 1024 * 1024),
  },
  idleTimeoutMs: {
    flag: 'idle-timeout-ms',
    env: 'IDLE_TIMEOUT_MS',
    description: 'disconnect a client silent this long (0 = never)',
    default: DEFAULTS.idleTimeoutMs,
    parse: integer(0, ONE_DAY_MS),
  },
  maxBufferedReplyBytes: {
    flag: 'max-buffered-reply-bytes',
    env: 'MAX_BUFFERED_REPLY_BYTES',
    description: 'reply bytes owed to a client before reading from it pauses',
    default: DEFAULTS.maxBufferedReplyBytes,
    parse: integer(1024, 1024 * 1024 * 1024),
  },
  drainTimeoutMs: {
    flag: 'drain-timeout-ms',
    env: 'DRAIN_TIMEOUT_MS',
    description: 'drop a client that does not read its replies for this long',
    default: DEFAULTS.drainTimeoutMs,
    parse: integer(1, ONE_DAY_MS),
  },
  shutdownGraceMs: {
    flag: 'shutdown-grace-ms',
    env: 'SHUTDOWN_GRACE_MS',
    description: 'time sessions get to finish after SIGTERM/SIGINT',
    default: DEFAULTS.shutdownGraceMs,
    parse: integer(0, 10 * 60_000),
  },
  messageLogsPerSecond: {
    flag: 'message-logs-per-second',
    env: 'MESSAGE_LOGS_PER_SECOND',
    description: 'per-message log lines per second per thread; the rest are counted',
    default: DEFAULTS.messageLogsPerSecond,
    parse: integer(0, 1_000_000),
  },
  logLevel: {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    description: `log level: ${LOG_LEVELS.join(', ')}`,
    default: DEFAULTS.logLevel,
    parse: oneOf(LOG_LEVELS),
  },
  metricsPort: {
    flag: 'metrics-port',
    env: 'METRICS_PORT',
    description: 'HTTP port for /healthz and /metrics (unset = off, 0 = any free port)',
    default: undefined as number | undefined,
    parse: integer(0, 65535),
  },
  logFormat: {
    flag: 'log-format',
    env: 'LOG_FORMAT',
    description: 'auto (pretty on a terminal), json or pretty',
    default: DEFAULTS.logFormat,
    parse: oneOf(LOG_FORMATS),
  },
} satisfies Settings
