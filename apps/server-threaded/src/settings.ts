/**
 * The threaded server's settings: the ones every server shares (SERVER_SETTINGS) plus how many
 * threads serve and how many clients they may serve at once, across all threads.
 */
import { integer, type Settings } from '@echolab/cli'
import {
  clientsThatFit,
  descriptorLimit,
  fittedDefault,
  SERVER_SETTINGS,
} from '@echolab/server-core'
import { threadsForCpus } from './cpu-quota.ts'

/**
 * One event loop per core the process may use (a container's CPU quota counts, rounded up): the
 * kernel spreads connections across them.
 */
const DEFAULT_THREADS = threadsForCpus()
/**
 * Concurrent clients across all threads: 10,000, or fewer when the process's descriptor limit
 * leaves room for fewer sockets with the default thread count (accept/descriptors.ts).
 */
const MAX_CLIENTS = fittedDefault(10_000, clientsThatFit(descriptorLimit(), DEFAULT_THREADS))

/**
 * The most threads a person can ask for: twice the cores this process may use, and at least 4
 * so the lab's two-thread experiments run anywhere. Past the cores, threads only queue for CPU,
 * while each costs an event loop and a V8 heap (tens of MB, a fraction of a second to start).
 */
const MAX_THREADS = Math.max(4, 2 * DEFAULT_THREADS)

export const THREADED_SETTINGS = {
  ...SERVER_SETTINGS,
  threads: {
    flag: 'threads',
    env: 'THREADS',
    description: `worker threads, each an event loop (default: one per CPU the cgroup quota allows; at most ${MAX_THREADS}: twice that; not Linux: always 1)`,
    default: DEFAULT_THREADS,
    parse: integer(1, MAX_THREADS),
  },
  maxClients: {
    flag: 'max-clients',
    env: 'MAX_CLIENTS',
    description: 'concurrent clients across all threads; the next one is told the server is busy',
    default: MAX_CLIENTS,
    parse: integer(1, 1_000_000),
  },
} satisfies Settings

export type ThreadedConfig = {
  readonly [K in keyof typeof THREADED_SETTINGS]: (typeof THREADED_SETTINGS)[K]['default']
}

export const SERVICE = 'server-threaded'
