/**
 * The threaded server's settings: the ones every server shares (SERVER_SETTINGS) plus how many
 * threads serve and how many clients they may serve at once, across all threads.
 */
import { DEFAULTS, integer, SERVER_SETTINGS, type Settings } from '@echolab/protocol'

/** The most threads a person can ask for: far past any useful core count, still a sane bound. */
const MAX_THREADS = 256

export const THREADED_SETTINGS = {
  ...SERVER_SETTINGS,
  threads: {
    flag: 'threads',
    env: 'THREADS',
    description: 'worker threads, each an event loop (not Linux: always 1)',
    default: DEFAULTS.threads,
    parse: integer(1, MAX_THREADS),
  },
  maxClients: {
    flag: 'max-clients',
    env: 'MAX_CLIENTS',
    description: 'concurrent clients across all threads; the next one is told the server is busy',
    default: DEFAULTS.maxClients,
    parse: integer(1, 1_000_000),
  },
} satisfies Settings

export type ThreadedConfig = {
  readonly [K in keyof typeof THREADED_SETTINGS]: (typeof THREADED_SETTINGS)[K]['default']
}

export const SERVICE = 'server-threaded'
