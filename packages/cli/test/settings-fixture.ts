/** A program's settings, one of each kind the loader reads, for the loader's tests. */
import { hostname, integer, oneOf, type Setting, type Settings, yesNo } from '../src/index.ts'

export const SETTINGS = {
  host: {
    flag: 'host',
    env: 'HOST',
    description: 'address to listen on',
    default: '0.0.0.0',
    parse: hostname,
  },
  port: {
    flag: 'port',
    short: 'p',
    env: 'PORT',
    description: 'TCP port',
    default: 5000,
    parse: integer(0, 65535),
  },
  level: {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    description: 'log level',
    default: 'info' as 'info' | 'debug',
    parse: oneOf(['info', 'debug']),
  },
  metricsPort: {
    flag: 'metrics-port',
    env: 'METRICS_PORT',
    description: 'metrics port',
    default: undefined as number | undefined,
    parse: integer(0, 65535),
  },
  json: {
    flag: 'json',
    env: 'JSON_OUTPUT',
    description: 'print JSON',
    default: false,
    parse: yesNo,
    kind: 'switch',
  },
  words: {
    flag: 'word',
    env: 'WORDS',
    description: 'a word (repeat the flag for more; the variable takes them comma-separated)',
    default: [] as readonly string[],
    parse: (raw: string) => [raw],
    parseEnv: (raw: string) => raw.split(','),
    kind: 'repeated',
    shownDefault: 'none',
  } satisfies Setting<readonly string[]>,
} satisfies Settings
