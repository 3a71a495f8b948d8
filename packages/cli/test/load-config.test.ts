import { describe, expect, it } from 'vitest'
import { ConfigError, EXIT_USAGE, loadConfig, ProgramError } from '../src/index.ts'
import { SETTINGS } from './settings-fixture.ts'

/** Loads SETTINGS from exactly these flags and variables, nothing from the process. */
function load(argv: string[] = [], env: Record<string, string> = {}) {
  const loaded = loadConfig(SETTINGS, { argv, env, asks: { help: 'h', version: '' } })
  if (loaded.asked !== undefined) throw new Error(`asked for --${loaded.asked}`)
  return loaded.config
}

/** The one line loading these flags and variables is refused with. */
function refusal(argv: string[], env: Record<string, string> = {}): string {
  try {
    load(argv, env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).message
  }
  throw new Error(`${JSON.stringify({ argv, env })} was accepted`)
}

describe('loadConfig', () => {
  it('gives every setting its default when no flag or variable is set', () => {
    expect(load()).toEqual({
      host: '0.0.0.0',
      port: 5000,
      level: 'info',
      metricsPort: undefined,
      json: false,
      words: [],
    })
  })

  it('reads every setting from its environment variable', () => {
    expect(
      load([], {
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'DEBUG',
        METRICS_PORT: '9464',
        JSON_OUTPUT: 'yes',
        WORDS: 'a,b',
      }),
    ).toEqual({
      host: '127.0.0.1',
      port: 0,
      level: 'debug',
      metricsPort: 9464,
      json: true,
      words: ['a', 'b'],
    })
  })

  it('reads flags in every form: --flag V, --flag=V, -s V, switches and repeated flags', () => {
    expect(
      load(['--host', '::1', '-p', '7', '--log-level=debug', '--json', '--word', 'a', '--word=b']),
    ).toMatchObject({ host: '::1', port: 7, level: 'debug', json: true, words: ['a', 'b'] })
  })

  it('lets a flag win over its variable, without reading the variable', () => {
    expect(load(['--port', '80'], { PORT: 'abc', HOST: 'example' })).toMatchObject({
      port: 80,
      host: 'example',
    })
  })

  it('returns a configuration that cannot be changed', () => {
    const config = load()
    expect(() => {
      ;(config as { port: number }).port = 1
    }).toThrow(TypeError)
  })

  it('answers a flag of `asks` without reading the settings, even bad ones', () => {
    const asks = { help: 'h', version: '' }
    expect(loadConfig(SETTINGS, { argv: ['-h'], env: { PORT: 'abc' }, asks })).toEqual({
      asked: 'help',
    })
    expect(loadConfig(SETTINGS, { argv: ['--version'], env: {}, asks })).toEqual({
      asked: 'version',
    })
  })

  it('refuses a bad value with one line naming the setting, the value and what is allowed', () => {
    expect(refusal([], { PORT: 'abc' })).toBe("PORT must be an integer 0-65535, got 'abc'")
    expect(refusal([], { PORT: '1e3' })).toBe("PORT must be an integer 0-65535, got '1e3'")
    expect(refusal([], { HOST: 'bad host!' })).toBe(
      "HOST must be a hostname or an IP address, got 'bad host!'",
    )
    expect(refusal([], { JSON_OUTPUT: 'maybe' })).toBe(
      "JSON_OUTPUT must be one of 1, true, yes, on, 0, false, no, off, got 'maybe'",
    )
  })

  it('names the flag, not the variable, when the bad value came from the flag', () => {
    expect(refusal(['--log-level=xml'])).toBe("--log-level must be one of info, debug, got 'xml'")
    expect(refusal(['-p', '70000'])).toBe("--port must be an integer 0-65535, got '70000'")
  })

  it('refuses an empty value, from a flag or a variable, instead of taking the default', () => {
    expect(refusal([], { PORT: '' })).toBe(
      'PORT must be an integer 0-65535, got an empty value (leave it out for the default, 5000)',
    )
    expect(refusal(['--port='])).toBe(
      '--port must be an integer 0-65535, got an empty value (leave it out for the default, 5000)',
    )
    expect(refusal(['--host', '127.0.0.1', '--host='])).toBe(
      '--host must be a hostname or an IP address, got an empty value (leave it out for the default, 0.0.0.0)',
    )
    expect(refusal([], { METRICS_PORT: '' })).toContain('(leave it out for the default, off)')
  })

  it('refuses an argument that is not a flag', () => {
    expect(refusal(['6000'])).toBe("unexpected argument '6000' (see --help)")
    expect(refusal(['--port', '6000', 'extra'])).toBe("unexpected argument 'extra' (see --help)")
  })

  it('takes as many arguments that are not flags as it is told, in order, among the flags', () => {
    const loaded = loadConfig(SETTINGS, {
      argv: ['live', '-p', '7', 'threaded'],
      env: {},
      positionals: 2,
    })
    expect(loaded.asked).toBeUndefined()
    if (loaded.asked !== undefined) return
    expect(loaded.positionals).toEqual(['live', 'threaded'])
    expect(loaded.config.port).toBe(7)
    expect(() => loadConfig(SETTINGS, { argv: ['a', 'b', 'c'], env: {}, positionals: 2 })).toThrow(
      new ConfigError("unexpected argument 'c' (see --help)"),
    )
  })

  it('refuses an unknown flag, and a flag without its value, in one line naming it', () => {
    expect(refusal(['--prot', '5000'])).toMatch(/^Unknown option '--prot'.*\(see --help\)$/)
    expect(refusal(['--port'])).toBe("Option '-p, --port <value>' argument missing (see --help)")
    const dash = refusal(['--port', '-1'])
    expect(dash).toContain("'--port")
    expect(dash).not.toContain('\n')
  })

  it('keeps the error one line and readable whatever the value holds', () => {
    expect(refusal([], { PORT: '50\n00' })).toBe("PORT must be an integer 0-65535, got '50\\n00'")
    expect(refusal(['--host', "a'b\r\t\\"])).toBe(
      "--host must be a hostname or an IP address, got 'a\\'b\\r\\t\\\\'",
    )
    // C1 controls, separators and bidi overrides are escaped as the C0 controls are.
    expect(refusal([], { HOST: 'a\u009b\u2028\u202eb' })).toBe(
      "HOST must be a hostname or an IP address, got 'a\\u{9b}\\u{2028}\\u{202e}b'",
    )
    expect(refusal(['x\ny'])).toBe("unexpected argument 'x\\ny' (see --help)")
    expect(refusal(['--bo\ngus'])).toMatch(/^Unknown option '--bo\\ngus'.*\(see --help\)$/)
    expect(refusal(['--port', '-1\n'])).toBe(
      `Option '--port' argument is ambiguous. Did you forget to specify the option argument for '--port'? To specify an option argument starting with a dash use '--port=-XYZ' (see --help)`,
    )
  })

  it('cuts a long value short in the error', () => {
    const message = refusal([], { HOST: '!'.repeat(10_000) })
    expect(message).toBe(`HOST must be a hostname or an IP address, got '${'!'.repeat(80)}…'`)
  })

  it('throws a ProgramError with the usage exit status, so runMain exits 2', () => {
    try {
      load([], { PORT: 'abc' })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ProgramError)
      expect((error as ProgramError).exitStatus).toBe(EXIT_USAGE)
      expect(EXIT_USAGE).toBe(2)
    }
  })
})
