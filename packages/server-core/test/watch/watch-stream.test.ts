/**
 * The live view's event stream (issue 14) over a real HTTP port: order per connection, a
 * bounded cost for a watcher that does not read, snapshots, and the cap on watchers.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  EventStream,
  fakeSocket,
  type LiveEvent,
  StalledResponse,
  startWatchedEndpoint,
  until,
  type WatchedEndpoint,
  watchedThread,
} from './watched-endpoint.ts'

let endpoint: WatchedEndpoint | undefined
const streams: EventStream[] = []

afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close()
  await endpoint?.close()
  endpoint = undefined
})

async function open(port: number): Promise<EventStream> {
  const stream = await EventStream.open(port)
  streams.push(stream)
  return stream
}

describe('the live event stream', () => {
  it('delivers the events of each connection in the order they happened', async () => {
    endpoint = await startWatchedEndpoint()
    const { watch, port } = endpoint
    const stream = await open(port)
    await stream.waitFor((e) => e.type === 'snapshot', 'the first snapshot')

    // 40 connections whose steps interleave, handed over in batches of varied size.
    const steps: (() => void)[][] = Array.from({ length: 40 }, (_, i) => {
      const id = i + 1
      return [
        () => watch.connected(id, fakeSocket(10_000 + id)),
        () => watch.waiting(id, 1),
        () => watch.served(id),
        () => watch.message(id, 3, 'abc'),
        () => watch.message(id, 1, undefined),
        () => watch.ended(id, 'quit'),
      ]
    })
    let turn = 0
    while (steps.some((queue) => queue.length > 0)) {
      for (const [i, queue] of steps.entries()) if ((i + turn) % 3 !== 0) queue.shift()?.()
      if (turn++ % 2 === 0) watch.flush()
    }
    watch.flush()
    await stream.waitFor((e) => e.type === 'ended' && e.id === 40, 'the last connection to end')
    await stream.waitFor(
      () => stream.events.filter((e) => e.type === 'ended').length === 40,
      'every connection to end',
    )

    for (let id = 1; id <= 40; id++) {
      const own = stream.events.filter((e) => e.id === id)
      const types = own.map((e) => e.type).filter((type, at, all) => type !== all[at - 1])
      expect(types).toEqual(['connected', 'waiting', 'served', 'message', 'ended'])
      const messages = own.filter((e) => e.type === 'message')
      expect(messages.reduce((sum, e) => sum + (e.count as number), 0)).toBe(2)
      expect(
        own.every((e, at) => at === 0 || (e.at as number) >= (own[at - 1]!.at as number)),
      ).toBe(true)
    }
  })

  it('never buffers without bound for a watcher that does not read, and tells it what it missed', async () => {
    const maxBufferedBytes = 16 * 1024
    const watcher = new StalledResponse()
    const { watch, hub } = watchedThread({ maxBufferedBytes })
    hub.attach(watcher.response)
    watch.flush()
    await watcher.readEverything()
    expect(watcher.events().map((event) => event.type)).toEqual(['hello', 'snapshot'])

    // One batch is the most written past the bound at once: 2000 events of under 120 bytes.
    const bound = maxBufferedBytes + 2_000 * 120
    let mostBuffered = 0
    let id = 0
    for (let round = 0; round < 500; round++) {
      for (let i = 0; i < 1_000; i++) {
        watch.connected(++id, fakeSocket(20_000 + (id % 40_000)))
        watch.ended(id, 'quit')
      }
      watch.flush()
      mostBuffered = Math.max(mostBuffered, hub.bufferedBytes)
    }
    expect(mostBuffered).toBeLessThanOrEqual(bound)
    const dropped = hub.droppedTotal
    // A million events were made; nearly all of them were dropped, not kept.
    expect(dropped).toBeGreaterThan(900_000)

    await watcher.readEverything()
    const told = watcher.events().find((event) => event.type === 'dropped')
    expect(told).toMatchObject({ count: dropped })
    watch.flush()
    await watcher.readEverything()
    const events = watcher.events()
    const after = events.slice(events.findIndex((event) => event.type === 'dropped') + 1)
    expect(after.map((event) => event.type)).toEqual(['hello', 'snapshot'])
  })

  it('starts a watcher that joins later from a snapshot, and sends it only what came after', async () => {
    const { watch, hub } = watchedThread()
    const [early, late] = [new StalledResponse(), new StalledResponse()]
    hub.attach(early.response)
    watch.flush()
    watch.connected(1, fakeSocket(40_001))
    watch.served(1)
    watch.message(1, 3, 'one')
    hub.attach(late.response)
    watch.message(1, 3, 'two')
    watch.connected(2, fakeSocket(40_002))
    watch.flush()
    await early.readEverything()
    await late.readEverything()

    const sequence = (events: LiveEvent[]) =>
      events.map((e) => `${e.type}${e.id ?? ''}${e.preview === undefined ? '' : `:${e.preview}`}`)
    expect(sequence(early.events())).toEqual([
      'hello',
      'snapshot',
      'connected1',
      'served1',
      'message1:one',
      'message1:two',
      'connected2',
    ])
    expect(sequence(late.events())).toEqual(['hello', 'snapshot', 'message1:two', 'connected2'])
    const snapshot = late.events()[1]!
    expect(snapshot.connections).toEqual([
      expect.objectContaining({ id: 1, state: 'served', messages: 1 }),
    ])
  })

  it('lists the connections open now, those from before anyone watched without a message count', async () => {
    endpoint = await startWatchedEndpoint()
    const { watch, port, known } = endpoint
    known.push({ id: 1, socket: fakeSocket(30_001, 42), state: 'served', connectedAt: 0 })
    const stream = await open(port)
    const first = await stream.waitFor((e) => e.type === 'snapshot', 'the first snapshot')
    expect(first.connections).toEqual([
      expect.objectContaining({ id: 1, state: 'served', messages: null, bytes: 42 }),
    ])
    watch.connected(2, fakeSocket(30_002))
    watch.waiting(2, 1)
    watch.message(1, 5, 'hello')

    const answer = (await (await fetch(`http://127.0.0.1:${port}/connections`)).json()) as {
      connections: Record<string, unknown>[]
    }
    expect(answer.connections).toEqual([
      expect.objectContaining({ id: 1, peer: '127.0.0.1:30001', thread: 7, messages: null }),
      expect.objectContaining({ id: 2, peer: '127.0.0.1:30002', state: 'waiting', messages: 0 }),
    ])
  })

  it('keeps nothing while nobody watches, and stops keeping once the last watcher leaves', async () => {
    endpoint = await startWatchedEndpoint()
    const { watch, hub, port } = endpoint
    expect(watch.watched).toBe(false)
    const stream = await open(port)
    await stream.waitFor((e) => e.type === 'snapshot', 'the first snapshot')
    expect(watch.watched).toBe(true)
    stream.close()
    await until(() => hub.watchers === 0, 'the hub to see the watcher leave')
    expect(hub.watchers).toBe(0)
    expect(watch.watched).toBe(false)
  })

  it('refuses a watcher past the limit with 503 and a sentence', async () => {
    endpoint = await startWatchedEndpoint({ maxWatchers: 2 })
    const { port } = endpoint
    await open(port)
    await open(port)
    const refused = await fetch(`http://127.0.0.1:${port}/events`)
    expect(refused.status).toBe(503)
    expect(await refused.text()).toBe('too many watchers (limit 2); try again later\n')
  })

  it('is read-only: anything but GET or HEAD is refused', async () => {
    endpoint = await startWatchedEndpoint()
    const answer = await fetch(`http://127.0.0.1:${endpoint.port}/events`, { method: 'POST' })
    expect(answer.status).toBe(405)
  })
})
