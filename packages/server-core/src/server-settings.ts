/**
 * The settings every server shares, with their defaults: one frozen object, one comment each
 * saying why that value (STYLE.md principle 4). Each server adds its own (`maxWaiting`,
 * `threads`, `maxClients`) in its app.
 */
import { ConfigError, type ConfigOf, hostname, integer, oneOf, type Settings } from '@echolab/cli'
import { PROTOCOL_DEFAULTS } from '@echolab/protocol'
import type { SessionOptions } from './session.ts'

export const SERVER_DEFAULTS = Object.freeze({
  /** Every interface, so containers and other machines can reach the server (DESIGN.md). */
  host: '0.0.0.0',
  port: PROTOCOL_DEFAULTS.port,
  maxMessageBytes: PROTOCOL_DEFAULTS.maxMessageBytes,
  /** A client silent this long is told so and disconnected: a person typing is never this slow. */
  idleTimeoutMs: 5 * 60_000,
  /** Reply bytes owed to a client that is not reading before we stop reading from it. */
  maxBufferedReplyBytes: 256 * 1024,
  /** How long a client that is not reading may keep us waiting before it is dropped. */
  drainTimeoutMs: 30_000,
  /** How long sessions may go on after SIGTERM before they are told the server is going away. */
  shutdownGraceMs: 5_000,
  /** Per-message log lines per second per thread: every message a person types, not every one a benchmark sends. */
  messageLogsPerSecond: 50,
  /**
   * /healthz and /metrics on loopback only: what a server counts is for its operator, not for
   * whoever can reach the echo port. A scraper elsewhere needs METRICS_HOST set to reach it.
   */
  metricsHost: '127.0.0.1',
  logLevel: 'info' as LogLevel,
  /** Pretty on a terminal, JSON everywhere else (DESIGN.md, "Logging"). */
  logFormat: 'auto' as LogFormat,
})

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

const ONE_DAY_MS = 86_400_000

export const SERVER_SETTINGS = {
  host: {
    flag: 'host',
    env: 'HOST',
    description: 'address to listen on',
    default: SERVER_DEFAULTS.host,
    parse: hostname,
  },
  port: {
    flag: 'port',
    env: 'PORT',
    description: 'TCP port to listen on (0 = any free port)',
    default: SERVER_DEFAULTS.port,
    parse: integer(0, 65535),
  },
  maxMessageBytes: {
    flag: 'max-message-bytes',
    env: 'MAX_MESSAGE_BYTES',
    description: 'largest message in bytes, LF excluded',
    default: SERVER_DEFAULTS.maxMessageBytes,
    parse: integer(1, 16 * 1024 * 1024),
  },
  idleTimeoutMs: {
    flag: 'idle-timeout-ms',
    env: 'IDLE_TIMEOUT_MS',
    description: 'disconnect a client silent this long (0 = never)',
    default: SERVER_DEFAULTS.idleTimeoutMs,
    parse: integer(0, ONE_DAY_MS),
  },
  maxBufferedReplyBytes: {
    flag: 'max-buffered-reply-bytes',
    env: 'MAX_BUFFERED_REPLY_BYTES',
    description: 'reply bytes owed to a client before reading from it pauses',
    default: SERVER_DEFAULTS.maxBufferedReplyBytes,
    parse: integer(1024, 1024 * 1024 * 1024),
  },
  drainTimeoutMs: {
    flag: 'drain-timeout-ms',
    env: 'DRAIN_TIMEOUT_MS',
    description: 'drop a client that does not read its replies for this long',
    default: SERVER_DEFAULTS.drainTimeoutMs,
    parse: integer(1, ONE_DAY_MS),
  },
  shutdownGraceMs: {
    flag: 'shutdown-grace-ms',
    env: 'SHUTDOWN_GRACE_MS',
    description: 'time sessions get to finish after SIGTERM/SIGINT',
    default: SERVER_DEFAULTS.shutdownGraceMs,
    parse: integer(0, 10 * 60_000),
  },
  messageLogsPerSecond: {
    flag: 'message-logs-per-second',
    env: 'MESSAGE_LOGS_PER_SECOND',
    description: 'per-message log lines per second per thread; the rest are counted',
    default: SERVER_DEFAULTS.messageLogsPerSecond,
    parse: integer(0, 1_000_000),
  },
  logLevel: {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    description: `log level: ${LOG_LEVELS.join(', ')}`,
    default: SERVER_DEFAULTS.logLevel,
    parse: oneOf(LOG_LEVELS),
  },
  metricsPort: {
    flag: 'metrics-port',
    env: 'METRICS_PORT',
    description:
      'HTTP port for /healthz, /metrics and the live page (unset = off, 0 = any free port)',
    default: undefined as number | undefined,
    parse: integer(0, 65535),
  },
  metricsHost: {
    flag: 'metrics-host',
    env: 'METRICS_HOST',
    description: 'address the metrics port listens on (0.0.0.0 to let a scraper elsewhere in)',
    default: SERVER_DEFAULTS.metricsHost,
    parse: hostname,
  },
  logFormat: {
    flag: 'log-format',
    env: 'LOG_FORMAT',
    description: 'auto (pretty on a terminal), json or pretty',
    default: SERVER_DEFAULTS.logFormat,
    parse: oneOf(LOG_FORMATS),
  },
} satisfies Settings

export type ServerConfig = ConfigOf<typeof SERVER_SETTINGS>
type SessionLimits = Pick<
  SessionOptions,
  'maxMessageBytes' | 'idleTimeoutMs' | 'maxBufferedReplyBytes' | 'drainTimeoutMs'
>

/** What the settings cannot say one by one: the metrics port cannot be the echo port. */
export function checkServerConfig(config: ServerConfig): void {
  const { port, metricsPort } = config
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port) {
    throw new ConfigError(
      `--metrics-port (METRICS_PORT) must differ from --port (PORT), got ${port} for both: /metrics and the echo service each need their own port`,
    )
  }
}

/** The settings a session uses, and only those: each server passes these to its ConnectionServer. */
export function sessionLimits(config: ServerConfig): SessionLimits {
  return {
    maxMessageBytes: config.maxMessageBytes,
    idleTimeoutMs: config.idleTimeoutMs,
    maxBufferedReplyBytes: config.maxBufferedReplyBytes,
    drainTimeoutMs: config.drainTimeoutMs,
  }
}
