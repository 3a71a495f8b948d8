import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { EchoError } from '@echolab/protocol'
import { DEFAULT_WAIT_MS, withTimeout } from '@echolab/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { connections, refuse } from '../../src/accept/connections.ts'
import { listen } from '../../src/accept/listen.ts'
import { Inbox } from '../support/inbox.ts'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

async function startServer(): Promise<{ server: Server; port: number }> {
  const server = createServer()
  cleanups.push(() => server.close())
  const { port } = await listen(server, { host: '127.0.0.1', port: 0 })
  return { server, port }
}

/** Connects to `port`; resolves once the server has seen the connection, so arrivals are ordered. */
async function arrive(server: Server, port: number): Promise<Socket> {
  const accepted = once(server, 'connection')
  const client = connect({ host: '127.0.0.1', port })
  client.on('error', () => {})
  cleanups.push(() => client.destroy())
  await withTimeout(accepted, DEFAULT_WAIT_MS, 'the server to accept a connection')
  return client
}

describe('connections()', () => {
  it('yields the sockets in the order they arrived while the loop was busy', async () => {
    const { server, port } = await startServer()
    const shutdown = new AbortController()
    const accepted = connections(server, { signal: shutdown.signal })
    const first = accepted.next() // the loop starts and waits
    const clients = [
      await arrive(server, port),
      await arrive(server, port),
      await arrive(server, port),
    ]
    const yielded = [
      (await withTimeout(first, DEFAULT_WAIT_MS, 'the first socket')).value,
      (await withTimeout(accepted.next(), DEFAULT_WAIT_MS, 'the second socket')).value,
      (await withTimeout(accepted.next(), DEFAULT_WAIT_MS, 'the third socket')).value,
    ]
    for (const socket of yielded) cleanups.push(() => socket?.destroy())
    // An accepted socket's peer port is its client's own port.
    expect(yielded.map((socket) => socket?.remotePort)).toEqual(
      clients.map((client) => client.localPort),
    )
    shutdown.abort()
    expect(await withTimeout(accepted.next(), DEFAULT_WAIT_MS, 'the end of the loop')).toEqual({
      done: true,
      value: undefined,
    })
  })

  it('ends a loop that is waiting for a connection when the signal aborts', async () => {
    const { server } = await startServer()
    const shutdown = new AbortController()
    const waiting = connections(server, { signal: shutdown.signal }).next()
    shutdown.abort()
    expect(await withTimeout(waiting, DEFAULT_WAIT_MS, 'the end of the loop')).toEqual({
      done: true,
      value: undefined,
    })
    expect(server.listenerCount('connection')).toBe(0)
  })

  it('ends a loop that is waiting for a connection when the server closes', async () => {
    const { server } = await startServer()
    const waiting = connections(server).next()
    server.close()
    expect((await withTimeout(waiting, DEFAULT_WAIT_MS, 'the end of the loop')).done).toBe(true)
  })

  it('yields nothing from a server that is not listening', async () => {
    const server = createServer()
    expect((await withTimeout(connections(server).next(), DEFAULT_WAIT_MS, 'the end')).done).toBe(
      true,
    )
  })

  it('tells the clients still waiting when it ends that the server is shutting down', async () => {
    const { server, port } = await startServer()
    const shutdown = new AbortController()
    const accepted = connections(server, { signal: shutdown.signal })
    const first = accepted.next()
    const served = await arrive(server, port)
    const waiting = [await arrive(server, port), await arrive(server, port)]
    const inboxes = waiting.map((client) => new Inbox(client))
    const socket = (await withTimeout(first, DEFAULT_WAIT_MS, 'the first socket')).value
    expect(socket?.remotePort).toBe(served.localPort)
    cleanups.push(() => socket?.destroy())

    shutdown.abort()
    expect((await withTimeout(accepted.next(), DEFAULT_WAIT_MS, 'the end of the loop')).done).toBe(
      true,
    )
    for (const inbox of inboxes) {
      expect(await inbox.untilServerEnds()).toEqual(Buffer.from('Error: server shutting down\n'))
    }
  })
})

describe('refuse', () => {
  it('sends one Error line and closes the connection', async () => {
    const { server, port } = await startServer()
    const accepted = once(server, 'connection') as Promise<[Socket]>
    const client = await arrive(server, port)
    const [socket] = await accepted
    const inbox = new Inbox(client)
    refuse(socket, EchoError.serverBusy('128 clients waiting'))
    expect(await inbox.untilServerEnds()).toEqual(
      Buffer.from('Error: server busy (128 clients waiting)\n'),
    )
    await withTimeout(once(socket, 'close'), DEFAULT_WAIT_MS, 'the refused socket to close')
  })
})
