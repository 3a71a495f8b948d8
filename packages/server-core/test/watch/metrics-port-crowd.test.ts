/**
 * The metrics port against a crowd: idle connections there once stayed open for good, however
 * many, and 231 of them under `ulimit -n 256` took every descriptor the echo port's clients were
 * counted on (echo clients were then closed without a word). Now the port holds at most
 * DESCRIPTORS.metricsConnections and closes a connection that asks nothing. And a client that
 * pipelined thousands of `GET /connections` without reading once took the threaded server from
 * 120 MB to 1.9 GB in 12 s: one connection now makes a bounded number of requests, and requests
 * made while the threads are being asked share one answer.
 */
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { withTimeout } from '@echolab/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { DESCRIPTORS } from '../../src/accept/descriptors.ts'
import { METRICS_ENDPOINT_DEFAULTS } from '../../src/metrics/metrics-endpoint.ts'
import {
  EventStream,
  startWatchedEndpoint,
  type WatchedEndpoint,
  watchedThread,
} from './watched-endpoint.ts'

let endpoint: WatchedEndpoint | undefined
const sockets: Socket[] = []

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await endpoint?.close()
  endpoint = undefined
})

async function idleConnection(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1')
  sockets.push(socket)
  socket.on('error', () => {})
  const closed = once(socket, 'close').then(() => undefined)
  await withTimeout(once(socket, 'connect'), 5_000, 'a connection to the metrics port')
  return { socket, closed }
}

describe('the metrics port under a crowd', () => {
  it(`holds at most ${DESCRIPTORS.metricsConnections} connections and closes the rest at once`, async () => {
    endpoint = await startWatchedEndpoint()
    const extra = 8
    const crowd = await Promise.all(
      Array.from({ length: DESCRIPTORS.metricsConnections + extra }, () =>
        idleConnection(endpoint!.port),
      ),
    )
    let closedCount = 0
    for (const { closed } of crowd) void closed.then(() => closedCount++)
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = (): void => (closedCount >= extra ? resolve() : void setTimeout(check, 5))
        check()
      }),
      5_000,
      `${extra} connections past the cap closed`,
    )
    expect(closedCount).toBe(extra)
    // The endpoint answers again once the crowd has left (and the server has seen them go).
    for (const { socket } of crowd) socket.destroy()
    const healthz = `http://127.0.0.1:${endpoint.port}/healthz`
    const answered = async (): Promise<number> => {
      for (;;) {
        const status = await fetch(healthz).then(
          (r) => r.status,
          () => undefined,
        )
        if (status !== undefined) return status
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    expect(await withTimeout(answered(), 5_000, '/healthz once the crowd left')).toBe(200)
  })

  it('closes a connection that asks nothing, but keeps an event stream open past that time', async () => {
    endpoint = await startWatchedEndpoint()
    // The watcher comes first, so its idle time would run out first were it not exempt.
    const watcher = await EventStream.open(endpoint.port)
    const watcherClosed = once(watcher.response, 'close')
    let watcherOpen = true
    void watcherClosed.then(() => {
      watcherOpen = false
    })
    const idle = await idleConnection(endpoint.port)
    await withTimeout(
      idle.closed,
      METRICS_ENDPOINT_DEFAULTS.idleTimeoutMs + 10_000,
      'the server closing a connection that sent nothing',
    )
    expect(watcherOpen).toBe(true)
    watcher.close()
  }, 30_000)
})

describe('GET /connections under a flood', () => {
  it('asks the threads once for every request made while they are being asked', async () => {
    let asked = 0
    const { hub, watch } = watchedThread({
      requestSnapshot: (request) => {
        asked++
        watch.snapshot(request)
      },
    })
    const answers = await Promise.all(Array.from({ length: 100 }, () => hub.connections()))
    expect(asked).toBe(1)
    expect(new Set(answers).size).toBe(1)
    // A request after that answer asks again: nothing stale is kept.
    await hub.connections()
    expect(asked).toBe(2)
  })

  it(`answers ${METRICS_ENDPOINT_DEFAULTS.requestsPerConnection} requests on one connection, then 503 and closes it`, async () => {
    endpoint = await startWatchedEndpoint()
    const { socket, closed } = await idleConnection(endpoint.port)
    const limit = METRICS_ENDPOINT_DEFAULTS.requestsPerConnection
    let received = ''
    socket.setEncoding('utf8')
    socket.on('data', (text: string) => {
      received += text
    })
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.repeat(limit + 20))
    await withTimeout(closed, 10_000, 'the server closing the connection past its limit')
    const statuses = [...received.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => m[1])
    expect(statuses.slice(0, limit).every((status) => status === '200')).toBe(true)
    expect(statuses.slice(limit)).toContain('503')
  })
})
