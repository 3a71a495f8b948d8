/**
 * The live view of a server that serves on one thread (the blocking server): its ConnectionWatch
 * hands batches straight to its WatchHub, with no thread messages between them.
 */
import { threadId } from 'node:worker_threads'
import { ConnectionWatch, type KnownConnection } from './connection-watch.ts'
import type { Scheduling } from './watch-events.ts'
import { WatchHub } from './watch-hub.ts'

interface OneThreadWatch {
  /** Told what happens to each connection (by the server and by its ConnectionServer). */
  watch: ConnectionWatch
  /** The watchers, for the metrics port. */
  hub: WatchHub
}

export function oneThreadWatch(
  server: string,
  scheduling: Scheduling,
  describe: () => Iterable<KnownConnection>,
): OneThreadWatch {
  const watch: ConnectionWatch = new ConnectionWatch({
    thread: threadId,
    describe,
    send: (batch) => hub.receive(batch),
  })
  const hub = new WatchHub({
    server,
    scheduling,
    threads: () => [threadId],
    setWatched: (on) => watch.watch(on),
    requestSnapshot: (request) => watch.snapshot(request),
  })
  return { watch, hub }
}
