/**
 * File descriptors: every client socket takes one, and the process has a limit (RLIMIT_NOFILE,
 * `ulimit -n`). A server that runs out cannot even accept a client to tell it it is busy: libuv
 * then accepts and closes connections silently, and with several event loops in one process
 * (the threaded server) that fallback can fail and spin on accept. So the servers never go that
 * far: the defaults for `--max-clients` and `--max-waiting` fit under the limit (read at start
 * from /proc/self/limits), and whatever the settings say, a client past what fits is told
 * `Error: server busy ...` while a descriptor is still free to say it, with one rate-limited
 * "out of file descriptors" line naming the limit. Serving resumes by itself as clients leave.
 */
import { readFileSync } from 'node:fs'
import type { Logger } from 'pino'

export const DESCRIPTORS = Object.freeze({
  /**
   * What a server process holds besides its clients: stdio, the main event loop, the metrics and
   * echo listeners, Node's own. An idle blocking server holds 24; the rest is headroom.
   */
  reservedPerProcess: 48,
  /**
   * Open connections to the metrics port (HTTP): the live page's watchers (at most 16), a
   * scraper, health probes, a few page loads. Past it a connection is closed as soon as it is
   * accepted, so a crowd there can never take the descriptors counted on for echo clients.
   */
  metricsConnections: 32,
  /** One more event loop (epoll, eventfd, io_uring), its message pipes and its listener: ~6. */
  reservedPerThread: 12,
  /**
   * Refused clients whose sockets stay open a moment so they can read their line, per thread;
   * past that, a refused socket closes as soon as its line is written (see `refuse`).
   */
  lingeringRefusalsPerThread: 32,
  /** At most one "out of file descriptors" line this often: a flood of refusals is one line. */
  shortageLogIntervalMs: 10_000,
})

/** The process's soft limit on open files, or undefined where it is unknown or unlimited. */
export function descriptorLimit(limitsFile = '/proc/self/limits'): number | undefined {
  let limits: string
  try {
    limits = readFileSync(limitsFile, 'utf8')
  } catch {
    return undefined // not Linux: no limit we can read, none we enforce
  }
  const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1]
  return soft === undefined || soft === 'unlimited' ? undefined : Number(soft)
}

/**
 * Client sockets (served or waiting) that fit under `limit` in a process with `threads` event
 * loops besides the main one, once its own descriptors and lingering refusals are set aside.
 * Infinity when the limit is unknown.
 */
export function clientsThatFit(limit: number | undefined, threads = 0): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY
  const perLoop = DESCRIPTORS.lingeringRefusalsPerThread
  const reserved =
    DESCRIPTORS.reservedPerProcess +
    DESCRIPTORS.metricsConnections +
    perLoop +
    threads * (DESCRIPTORS.reservedPerThread + perLoop)
  return Math.max(0, limit - reserved)
}

/** A default that fits: `wanted`, or fewer when the descriptor limit allows fewer (at least 1). */
export function fittedDefault(wanted: number, fit: number): number {
  return Math.max(1, Math.min(wanted, fit))
}

/** What a server's client sockets may take of the descriptor limit, and where a shortage is told. */
export interface DescriptorBudget {
  /** The process's limit on open files (undefined: unknown or unlimited). */
  limit: number | undefined
  /** Client sockets (served or waiting) that fit under it: see `clientsThatFit`. */
  fit: number
  shortage: DescriptorShortage
}

/**
 * The budget of a process with `threads` event loops besides the main one, read at start; its
 * shortage lines go to `log`.
 */
export function descriptorBudget(log: Logger, threads = 0): DescriptorBudget {
  const limit = descriptorLimit()
  return {
    limit,
    fit: clientsThatFit(limit, threads),
    shortage: new DescriptorShortage(log, limit),
  }
}

/** Logs "out of file descriptors" at most once per `shortageLogIntervalMs`, with the count. */
class DescriptorShortage {
  readonly limit: number | undefined
  readonly #log: Logger
  #refused = 0
  #loggedAt = Number.NEGATIVE_INFINITY

  constructor(log: Logger, limit: number | undefined) {
    this.#log = log
    this.limit = limit
  }

  /** A client was refused (or could not be accepted) for want of descriptors. */
  report(): void {
    this.#refused++
    const now = performance.now()
    if (now - this.#loggedAt < DESCRIPTORS.shortageLogIntervalMs) return
    this.#log.warn(
      { descriptorLimit: this.limit, refused: this.#refused },
      'out of file descriptors: new clients are told the server is busy (raise ulimit -n)',
    )
    this.#loggedAt = now
    this.#refused = 0
  }
}
