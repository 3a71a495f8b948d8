/**
 * How every echolab program reads its settings: one frozen defaults object, values from flags and the
 * environment (flags win), validated once at start. A bad value is refused, never clamped, with
 * one line that names the setting, the value and what is allowed (STYLE.md principle 5).
 */
import { parseArgs } from 'node:util'
import { EXIT_USAGE, ProgramError } from './program-error.ts'

/** A bad setting: `message` is the one line to print before exiting with status 2. */
export class ConfigError extends ProgramError {
  override name = 'ConfigError'
  constructor(message: string) {
    super(message, EXIT_USAGE)
  }
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
