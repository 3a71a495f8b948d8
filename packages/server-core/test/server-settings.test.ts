import { ConfigError, describeSettings, loadConfig } from '@echolab/cli'
import { thrown } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { SERVER_DEFAULTS, SERVER_SETTINGS } from '../src/server-settings.ts'

/** Loads the server settings from exactly these flags and variables, nothing from the process. */
function load(argv: string[] = [], env: Record<string, string> = {}) {
  return loadConfig(SERVER_SETTINGS, { argv, env, extraFlags: ['help'] })
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
      logFormat: 'pretty',
    })
  })

  it('lets a flag win over its environment variable', () => {
    const { config } = load(['--port', '4321', '--host=::1'], { PORT: '1234', HOST: 'example' })
    expect(config.port).toBe(4321)
    expect(config.host).toBe('::1')
  })

  it('does not look at the variable when the flag is given', () => {
    expect(load(['--port', '80'], { PORT: 'abc' }).config.port).toBe(80)
  })

  it('takes an empty environment variable as unset', () => {
    expect(load([], { PORT: '', LOG_LEVEL: '' }).config).toMatchObject({
      port: 5000,
      logLevel: 'info',
    })
  })

  it('returns a frozen configuration', () => {
    expect(Object.isFrozen(load().config)).toBe(true)
  })

  it('returns the program’s own boolean flags and the positionals', () => {
    const { flags, positionals } = load(['--help', 'extra'])
    expect(flags).toEqual({ help: true })
    expect(positionals).toEqual(['extra'])
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

  it('names the flag, not the variable, when the bad value came from the flag', () => {
    expect(thrown(ConfigError, () => load(['--port', 'abc'])).message).toBe(
      "--port must be an integer 0-65535, got 'abc'",
    )
    expect(thrown(ConfigError, () => load(['--log-format=xml'])).message).toBe(
      "--log-format must be one of auto, json, pretty, got 'xml'",
    )
  })

  it('refuses an unknown flag in one line that names it', () => {
    const { message } = thrown(ConfigError, () => load(['--prot', '5000']))
    expect(message).toContain("'--prot'")
    expect(message).not.toContain('\n')
  })

  it('refuses a flag whose value starts with a dash in one line that names it', () => {
    const { message } = thrown(ConfigError, () => load(['--port', '-1']))
    expect(message).toContain("'--port'")
    expect(message).not.toContain('\n')
  })

  it('refuses a setting flag given without its value', () => {
    expect(thrown(ConfigError, () => load(['--port'])).message).toContain('--port')
  })
})

describe('SERVER_DEFAULTS', () => {
  it('listens on every interface, port 5000, with a 64 KiB message limit (DESIGN.md)', () => {
    expect(SERVER_DEFAULTS).toMatchObject({ host: '0.0.0.0', port: 5000, maxMessageBytes: 65536 })
  })
})

describe('describeSettings', () => {
  it('lists each setting with its flag, variable and default', () => {
    const help = describeSettings(SERVER_SETTINGS).split('\n')
    expect(help).toHaveLength(Object.keys(SERVER_SETTINGS).length)
    const port = help.find((line) => line.includes('--port'))
    expect(port).toMatch(/--port\s+PORT\s+.*\(default: 5000\)$/)
  })
})
