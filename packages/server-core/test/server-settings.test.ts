import { ConfigError, loadConfig } from '@echolab/cli'
import { thrown } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import {
  checkServerConfig,
  SERVER_DEFAULTS,
  SERVER_SETTINGS,
  sessionLimits,
} from '../src/server-settings.ts'

/**
 * Loads the server settings from exactly these flags and variables, nothing from the process.
 * How flags and variables are read is @echolab/cli's (its tests); these are the servers' own.
 */
function load(argv: string[] = [], env: Record<string, string> = {}) {
  const loaded = loadConfig(SERVER_SETTINGS, { argv, env })
  if (loaded.asked !== undefined) throw new Error(`asked for --${loaded.asked}`)
  return { config: loaded.config }
}

describe('server settings', () => {
  it('uses the defaults when no flag or variable is set', () => {
    expect(load().config).toEqual({
      host: '0.0.0.0',
      port: 5000,
      maxMessageBytes: 65536,
      idleTimeoutMs: SERVER_DEFAULTS.idleTimeoutMs,
      maxBufferedReplyBytes: SERVER_DEFAULTS.maxBufferedReplyBytes,
      drainTimeoutMs: SERVER_DEFAULTS.drainTimeoutMs,
      shutdownGraceMs: SERVER_DEFAULTS.shutdownGraceMs,
      messageLogsPerSecond: SERVER_DEFAULTS.messageLogsPerSecond,
      logLevel: 'info',
      metricsPort: undefined,
      metricsHost: '127.0.0.1',
      logFormat: 'auto',
    })
  })

  it('reads every setting from its environment variable', () => {
    const { config } = load([], {
      HOST: '127.0.0.1',
      PORT: '0',
      MAX_MESSAGE_BYTES: '1',
      IDLE_TIMEOUT_MS: '0',
      MAX_BUFFERED_REPLY_BYTES: '1024',
      DRAIN_TIMEOUT_MS: '1',
      SHUTDOWN_GRACE_MS: '600000',
      MESSAGE_LOGS_PER_SECOND: '0',
      LOG_LEVEL: 'DEBUG',
      METRICS_PORT: '9464',
      METRICS_HOST: '0.0.0.0',
      LOG_FORMAT: 'pretty',
    })
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 0,
      maxMessageBytes: 1,
      idleTimeoutMs: 0,
      maxBufferedReplyBytes: 1024,
      drainTimeoutMs: 1,
      shutdownGraceMs: 600000,
      messageLogsPerSecond: 0,
      logLevel: 'debug',
      metricsPort: 9464,
      metricsHost: '0.0.0.0',
      logFormat: 'pretty',
    })
  })

  it.each([
    ['PORT', 'abc', "PORT must be an integer 0-65535, got 'abc'"],
    ['PORT', '65536', "PORT must be an integer 0-65535, got '65536'"],
    ['PORT', '-1', "PORT must be an integer 0-65535, got '-1'"],
    ['PORT', '80.5', "PORT must be an integer 0-65535, got '80.5'"],
    ['PORT', '1e3', "PORT must be an integer 0-65535, got '1e3'"],
    ['HOST', 'bad host!', "HOST must be a hostname or an IP address, got 'bad host!'"],
    ['MAX_MESSAGE_BYTES', '0', "MAX_MESSAGE_BYTES must be an integer 1-16777216, got '0'"],
    ['IDLE_TIMEOUT_MS', '-5', "IDLE_TIMEOUT_MS must be an integer 0-86400000, got '-5'"],
    [
      'MAX_BUFFERED_REPLY_BYTES',
      '1023',
      "MAX_BUFFERED_REPLY_BYTES must be an integer 1024-1073741824, got '1023'",
    ],
    ['DRAIN_TIMEOUT_MS', '0', "DRAIN_TIMEOUT_MS must be an integer 1-86400000, got '0'"],
    ['SHUTDOWN_GRACE_MS', '600001', "SHUTDOWN_GRACE_MS must be an integer 0-600000, got '600001'"],
    [
      'MESSAGE_LOGS_PER_SECOND',
      'many',
      "MESSAGE_LOGS_PER_SECOND must be an integer 0-1000000, got 'many'",
    ],
    [
      'LOG_LEVEL',
      'verbose',
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'",
    ],
    ['LOG_FORMAT', 'xml', "LOG_FORMAT must be one of auto, json, pretty, got 'xml'"],
  ])(
    'refuses %s=%j with one line naming it, the value and what is allowed',
    (name, value, line) => {
      expect(thrown(ConfigError, () => load([], { [name]: value })).message).toBe(line)
    },
  )

  it('refuses an empty value instead of listening on the default', () => {
    expect(thrown(ConfigError, () => load(['--host', '127.0.0.1', '--host='])).message).toBe(
      '--host must be a hostname or an IP address, got an empty value (leave it out for the default, 0.0.0.0)',
    )
  })
})

describe('checkServerConfig', () => {
  it('refuses a metrics port that is the echo port, saying so', () => {
    const { config } = load(['--port', '6000', '--metrics-port', '6000'])
    expect(thrown(ConfigError, () => checkServerConfig(config)).message).toBe(
      '--metrics-port (METRICS_PORT) must differ from --port (PORT), got 6000 for both: /metrics and the echo service each need their own port',
    )
  })

  it('lets both be 0 (each any free port), or the metrics port be off', () => {
    expect(() =>
      checkServerConfig(load(['--port', '0', '--metrics-port', '0']).config),
    ).not.toThrow()
    expect(() => checkServerConfig(load(['--port', '6000']).config)).not.toThrow()
  })
})

describe('sessionLimits', () => {
  it('passes a session its limits and nothing else', () => {
    expect(sessionLimits(load().config)).toEqual({
      maxMessageBytes: SERVER_DEFAULTS.maxMessageBytes,
      idleTimeoutMs: SERVER_DEFAULTS.idleTimeoutMs,
      maxBufferedReplyBytes: SERVER_DEFAULTS.maxBufferedReplyBytes,
      drainTimeoutMs: SERVER_DEFAULTS.drainTimeoutMs,
    })
  })
})

describe('SERVER_DEFAULTS', () => {
  it('listens on every interface, port 5000, with a 64 KiB message limit (DESIGN.md)', () => {
    expect(SERVER_DEFAULTS).toMatchObject({ host: '0.0.0.0', port: 5000, maxMessageBytes: 65536 })
  })

  it('keeps /metrics on loopback while the echo port is public', () => {
    expect(SERVER_DEFAULTS.metricsHost).toBe('127.0.0.1')
  })
})
