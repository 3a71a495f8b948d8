/**
 * What a setting is: how one value is read from a flag and from an environment variable, what it
 * defaults to, and how --help shows it. Each program declares its own settings with these.
 */
import { EXIT_USAGE, ProgramError } from './program-error.ts'

/** A bad setting or bad usage: `message` is the one line to print before exiting with status 2. */
export class ConfigError extends ProgramError {
  override name = 'ConfigError'
  constructor(message: string) {
    super(message, EXIT_USAGE)
  }
}

export interface Setting<T> {
  /** The long flag without its dashes: `port` is `--port V` or `--port=V`. */
  flag: string
  /** A one-letter alias (`c` is `-c V`), for flags typed often. */
  short?: string
  /** The environment variable, read when the flag is not given (containers pass no flags). */
  env: string
  /** What the setting is, for --help. */
  description: string
  default: T
  /**
   * Turns a raw string into the value, or throws an Error whose message says what is allowed
   * ("an integer 1-65535"): the loader makes that the one line "PORT must be an integer 1-65535,
   * got 'abc'".
   */
  parse: (raw: string) => T
  /**
   * 'switch': the flag takes no value and means true (its variable is read with `parse`, e.g.
   * yesNo); 'repeated': each use of the flag adds to a list (`parse` returns a list).
   */
  kind?: 'switch' | 'repeated'
  /** How the variable is read when not like the flag (a list in one variable, one per line). */
  parseEnv?: (raw: string) => T
  /** How --help shows the default when it is computed or absent ("the host name"). */
  shownDefault?: string
}

export type Settings = Record<string, Setting<unknown>>
/** The frozen configuration a program gets from its settings: one value per setting. */
export type ConfigOf<S extends Settings> = { readonly [K in keyof S]: S[K]['default'] }

/** The default as --help and errors show it. */
export function shownDefault(setting: Setting<unknown>): string {
  if (setting.shownDefault !== undefined) return setting.shownDefault
  if (setting.default === undefined || setting.kind === 'switch') return 'off'
  return String(setting.default)
}
