/**
 * A live view on a real HTTP port, fed by hand: one thread's ConnectionWatch, the hub, and the
 * metrics endpoint serving them on 127.0.0.1:0. Connections are stand-ins with the few socket
 * fields the watch reads.
 */
import { once } from 'node:events'
import { get, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { Writable } from 'node:stream'
import { withTimeout } from '@echolab/testkit'
import { createLogger } from '../../src/logs/logger.ts'
import { serveMetrics } from '../../src/metrics/metrics-endpoint.ts'
import { ServerMetrics } from '../../src/metrics/server-metrics.ts'
import { ConnectionWatch, type KnownConnection } from '../../src/watch/connection-watch.ts'
import { WatchHub, type WatchHubOptions } from '../../src/watch/watch-hub.ts'

export interface WatchedEndpoint {
  watch: ConnectionWatch
  hub: WatchHub
  port: number
  /** Connections the "server" had before anyone watched. */
  known: KnownConnection[]
  close(): Promise<void>
}

/** One thread's watch and its hub, wired as the blocking server wires them. */
export function watchedThread(hubOptions: Partial<WatchHubOptions> = {}) {
  const known: KnownConnection[] = []
  const watch: ConnectionWatch = new ConnectionWatch({
    thread: 7,
    describe: () => known,
    send: (batch) => hub.receive(batch),
  })
  const hub = new WatchHub({
    server: 'test',
    scheduling: 'one-at-a-time',
    threads: () => [7],
    setWatched: (on) => watch.watch(on),
    requestSnapshot: (request) => watch.snapshot(request),
    ...hubOptions,
  })
  return { watch, hub, known }
}

export async function startWatchedEndpoint(
  hubOptions: Partial<WatchHubOptions> = {},
): Promise<WatchedEndpoint> {
  const { watch, hub, known } = watchedThread(hubOptions)
  const metrics = new ServerMetrics()
  const server = (await serveMetrics({
    server: 'test',
    snapshot: () => metrics.snapshot(0),
    healthy: () => true,
    watch: hub,
    host: '127.0.0.1',
    port: 0,
    log: createLogger({ service: 'test', level: 'silent' }),
  })) as Server
  const { port } = server.address() as AddressInfo
  return {
    watch,
    hub,
    port,
    known,
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

/** A stand-in for a client's socket: what the watch reads of it. */
export function fakeSocket(port: number, bytesRead = 0): Socket {
  return { remoteAddress: '127.0.0.1', remotePort: port, bytesRead } as Socket
}

export interface LiveEvent {
  type: string
  [field: string]: unknown
}

/** An open `GET /events`, its events parsed as they come. */
export class EventStream {
  readonly events: LiveEvent[] = []
  readonly response: IncomingMessage
  #buffer = ''
  #changed: () => void = () => {}

  static async open(port: number, path = '/events'): Promise<EventStream> {
    const request = get({ host: '127.0.0.1', port, path })
    const [response] = (await withTimeout(once(request, 'response'), 5_000, `GET ${path}`)) as [
      IncomingMessage,
    ]
    return new EventStream(response)
  }

  constructor(response: IncomingMessage) {
    this.response = response
    response.setEncoding('utf8')
    response.on('data', (text: string) => {
      this.#buffer += text
      let end = this.#buffer.indexOf('\n\n')
      while (end !== -1) {
        const block = this.#buffer.slice(0, end)
        this.#buffer = this.#buffer.slice(end + 2)
        const data = block.split('\n').find((line) => line.startsWith('data: '))
        if (data !== undefined) this.events.push(JSON.parse(data.slice(6)) as LiveEvent)
        end = this.#buffer.indexOf('\n\n')
      }
      this.#changed()
    })
  }

  /** Resolves once an event matches (already received or still to come). */
  waitFor(matches: (event: LiveEvent) => boolean, what: string): Promise<LiveEvent> {
    const found = new Promise<LiveEvent>((resolve) => {
      const check = (): void => {
        const event = this.events.find(matches)
        if (event !== undefined) resolve(event)
      }
      this.#changed = check
      check()
    })
    return withTimeout(found, 5_000, what)
  }

  close(): void {
    this.response.destroy()
  }
}

/** Resolves once `condition` holds, checked every few milliseconds, within a watchdog. */
export function until(condition: () => boolean, what: string): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve) => {
      const check = (): void => {
        if (condition()) resolve()
        else setTimeout(check, 5)
      }
      check()
    }),
    5_000,
    what,
  )
}

/**
 * An event stream whose reader has stopped reading: every write stays owed (as the response's
 * writableLength) until `readEverything()`, like a browser tab that froze.
 */
export class StalledResponse {
  readonly #written: string[] = []
  readonly #owed: (() => void)[] = []
  readonly #stream = new Writable({
    // One chunk at a time, held until read: what the kernel would do once its buffers are full.
    write: (chunk: Buffer, _encoding, taken) => {
      this.#written.push(chunk.toString('utf8'))
      this.#owed.push(taken)
    },
  })

  /** The stand-in the hub writes to (it uses write, writableLength and 'drain' / 'close'). */
  get response(): ServerResponse {
    return this.#stream as unknown as ServerResponse
  }

  /** The reader catches up: everything owed is taken, and what 'drain' brings on is written. */
  async readEverything(): Promise<void> {
    do {
      while (this.#owed.length > 0) this.#owed.shift()!()
      // 'drain' comes on a later tick; what the hub writes then is owed in turn.
      await new Promise((resolve) => setImmediate(resolve))
    } while (this.#owed.length > 0)
  }

  text(): string {
    return this.#written.join('')
  }

  events(): LiveEvent[] {
    return this.text()
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map((block) => JSON.parse(block.slice(6)) as LiveEvent)
  }
}
