/**
 * How every echolab program reads its settings: values from flags and the environment (flags
 * win), validated once at start. A bad value is refused, never clamped or taken as the default,
 * with one line that names the setting, the value and what is allowed (STYLE.md principle 5).
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util'
import { quoted, visible } from './one-line.ts'
import { ConfigError, type ConfigOf, type Setting, type Settings, shownDefault } from './setting.ts'

interface LoadOptions {
  argv?: readonly string[]
  env?: Readonly<Record<string, string | undefined>>
  /**
   * Flags that ask the program about itself instead of running it, each with its one-letter
   * alias or '' (`{ help: 'h', version: 'V' }`). When one is given the settings are not read:
   * `--help` answers even when a variable holds a bad value.
   */
  asks?: Readonly<Record<string, string>>
  /**
   * How many arguments that are not flags the program takes (`npm run lab -- live threaded`):
   * none by default, because settings are flags (`main.ts 6000` is a mistake, not port 6000).
   */
  positionals?: number
}

/** Either the flag of `asks` that was given, or the configuration and the other arguments. */
type Loaded<S extends Settings> =
  | { readonly asked: string }
  | {
      readonly asked?: undefined
      readonly config: ConfigOf<S>
      /** The arguments that are not flags, in order; at most `positionals` of them. */
      readonly positionals: readonly string[]
    }

type FlagValue = string | boolean | (string | boolean)[] | undefined

/**
 * Reads every setting in `settings` from `argv` and `env`. Throws ConfigError on an unknown
 * flag, an argument that is not a flag, an empty value or a value its parser refuses.
 */
export function loadConfig<S extends Settings>(
  settings: S,
  { argv = process.argv.slice(2), env = process.env, asks = {}, positionals = 0 }: LoadOptions = {},
): Loaded<S> {
  const { values, positionals: given } = parseFlags(settings, argv, asks)
  const stray = given[positionals]
  if (stray !== undefined) {
    throw new ConfigError(`unexpected argument ${quoted(stray)} (see --help)`)
  }
  const asked = Object.keys(asks).find((flag) => values[flag] === true)
  if (asked !== undefined) return { asked }
  const config: Record<string, unknown> = {}
  for (const [key, setting] of Object.entries(settings)) {
    config[key] = readSetting(setting, values[setting.flag], env)
  }
  return { config: Object.freeze(config) as ConfigOf<S>, positionals: Object.freeze(given) }
}

function parseFlags(
  settings: Settings,
  argv: readonly string[],
  asks: Readonly<Record<string, string>>,
): { values: Record<string, FlagValue>; positionals: string[] } {
  const options: ParseArgsOptionsConfig = {}
  for (const [flag, short] of Object.entries(asks)) {
    options[flag] = { type: 'boolean', ...(short ? { short } : {}) }
  }
  for (const setting of Object.values(settings)) {
    options[setting.flag] = {
      type: setting.kind === 'switch' ? 'boolean' : 'string',
      ...(setting.kind === 'repeated' ? { multiple: true } : {}),
      ...(setting.short ? { short: setting.short } : {}),
    }
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true })
  } catch (error) {
    throw new ConfigError(`${complaint(argv, options, error as Error)} (see --help)`)
  }
  return parsed
}

/**
 * parseArgs' complaint in one line. It quotes the argument it refuses as given, so the arguments
 * are parsed again with their control characters escaped (`--bo\ngus` names `'--bo\\ngus'`),
 * and the lines of advice it adds are joined into that line: "argument is ambiguous" alone (for
 * `--port -1`) left a person guessing, the advice says to write `--port=-1`.
 */
function complaint(argv: readonly string[], options: ParseArgsOptionsConfig, error: Error): string {
  let message = error.message
  try {
    parseArgs({ args: argv.map(visible), options, strict: true, allowPositionals: true })
  } catch (escapedError) {
    message = (escapedError as Error).message
  }
  return message.split('\n').join(' ').replace(/\.$/, '')
}

function readSetting(setting: Setting<unknown>, fromFlag: FlagValue, env: LoadOptions['env'] & {}) {
  const flag = `--${setting.flag}`
  if (setting.kind === 'switch' && fromFlag === true) return true
  if (setting.kind === 'repeated' && Array.isArray(fromFlag)) {
    return fromFlag.flatMap(
      (raw) => parseOrExplain(flag, String(raw), setting, setting.parse) as unknown[],
    )
  }
  if (typeof fromFlag === 'string') return parseOrExplain(flag, fromFlag, setting, setting.parse)
  const raw = env[setting.env]
  if (raw === undefined) return setting.default
  return parseOrExplain(setting.env, raw, setting, setting.parseEnv ?? setting.parse)
}

function parseOrExplain(
  source: string,
  raw: string,
  setting: Setting<unknown>,
  parse: (raw: string) => unknown,
): unknown {
  try {
    return parse(raw)
  } catch (error) {
    if (!(error instanceof Error)) throw error
    // An empty value is a mistake (`PORT=` in a file), not a way to ask for the default.
    const got =
      raw === ''
        ? `got an empty value (leave it out for the default, ${shownDefault(setting)})`
        : `got ${quoted(raw)}`
    throw new ConfigError(`${source} must be ${error.message}, ${got}`)
  }
}
