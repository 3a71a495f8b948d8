/**
 * What a watcher of the live page receives (issue 14): one JSON object per Server-Sent Event on
 * `GET /events`, and the rows of `GET /connections`. Every event names its connection `id` (unique
 * across the server's threads) and its `thread`; `at` is wall-clock milliseconds (Date.now()), so
 * the events of several threads line up on one time axis.
 */
import type { EndReason } from '../end-reasons.ts'

/** Why a connection ended: how its session ended, or why it never had one. */
export type WatchEndReason =
  | EndReason
  | 'refused' // told the server is busy or shutting down, never served
  | 'left-queue' // hung up (or was reset) while waiting its turn

export type ConnectionState = 'waiting' | 'served'

/** One line of `GET /connections`, like a line of Redis's `CLIENT LIST`. */
export interface ConnectionRow {
  id: number
  /** The client's address and port, as in the logs. */
  peer: string
  thread: number
  state: ConnectionState
  /** When it connected (ms since the epoch); null if it connected before anyone watched. */
  since: number | null
  /** When its turn came (ms since the epoch); null while it waits or if unknown. */
  servedAt: number | null
  /** Messages answered; null when it connected before anyone watched (they were not counted). */
  messages: number | null
  /** Bytes received from the client (the socket's own count, so always exact). */
  bytes: number
}

export type ConnectionEvent =
  | { type: 'connected'; id: number; thread: number; at: number; peer: string }
  | { type: 'waiting'; id: number; thread: number; at: number; position: number }
  | { type: 'served'; id: number; thread: number; at: number }
  /**
   * `count` messages of `bytes` bytes in all since the previous event of this connection (a busy
   * connection's messages are merged, so events stay few). `preview` is present only when one of
   * them fell within the message log budget, with the logs' escaping.
   */
  | {
      type: 'message'
      id: number
      thread: number
      at: number
      count: number
      bytes: number
      preview?: string
    }
  | { type: 'ended'; id: number; thread: number; at: number; reason: WatchEndReason }

/** A thread's current connections, sent in its stream so that what follows it is news. */
export interface SnapshotEvent {
  type: 'snapshot'
  thread: number
  at: number
  /** Which request it answers (see ConnectionWatch.snapshot). */
  request: number
  connections: ConnectionRow[]
  /** Connections left out past the row cap. */
  truncated: number
}

/** What a thread hands its hub at once: events in the order they happened on that thread. */
export interface WatchBatch {
  thread: number
  events: (ConnectionEvent | SnapshotEvent)[]
  /** Events this thread could not keep for this batch (over the cap): watchers must resync. */
  dropped: number
}

/** What the hub itself tells a watcher. */
export type HubEvent =
  /** First event of a stream, and again after a resync: forget what you had. */
  | {
      type: 'hello'
      at: number
      server: string
      scheduling: Scheduling
      threads: number[]
    }
  /** `count` events were not sent to this watcher (it read too slowly); a fresh hello follows. */
  | { type: 'dropped'; at: number; count: number }
  /** A thread died (and its connections with it). */
  | { type: 'thread-gone'; at: number; thread: number }

/** How the server schedules clients: the page draws a queue for one, parallel lanes for the other. */
export type Scheduling = 'one-at-a-time' | 'concurrent'
