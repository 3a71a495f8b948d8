/**
 * Many clients at once: each gets its own replies, in order, and the kernel spreads the
 * connections across the worker threads.
 */
import { type RunningServer, withTimeout } from '@echolab/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClients, startThreadedServer } from './server.ts'

const CLIENTS = 500
const MESSAGES_PER_CLIENT = 5
// Each client's wait for one reply: 500 clients on a small shared machine can be slow to serve.
const REPLY_WAIT_MS = 30_000

describe('many clients at once', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startThreadedServer(['--threads', '2'])
  })
  afterAll(async () => {
    await server?.stop()
  })

  it(`${CLIENTS} concurrent clients each get their own replies, in order`, async () => {
    const clients = await connectClients(server.port, CLIENTS)
    try {
      // Every client is connected before anyone sends: all 500 sessions are open at once.
      await server.waitForLogs(
        (line) => line.msg === 'connected',
        CLIENTS,
        `${CLIENTS} "connected" lines`,
        REPLY_WAIT_MS,
      )
      const conversations = clients.map(async (client, id) => {
        const replies: string[] = []
        for (let n = 0; n < MESSAGES_PER_CLIENT; n++) {
          client.sendLine(`client ${id} message ${n}`)
          replies.push(await client.nextLine(REPLY_WAIT_MS))
        }
        client.sendLine('sair')
        await client.readToEnd(REPLY_WAIT_MS)
        return replies
      })
      const replies = await withTimeout(
        Promise.all(conversations),
        60_000,
        'every client to finish its conversation',
      )
      replies.forEach((ofClient, id) => {
        expect(ofClient).toEqual(
          Array.from({ length: MESSAGES_PER_CLIENT }, (_, n) => `Echo: client ${id} message ${n}`),
        )
      })
      const active = server.logs
        .filter((line) => line.msg === 'connected')
        .map((line) => line.active as number)
      expect(Math.max(...active)).toBe(CLIENTS)
    } finally {
      for (const client of clients) client.destroy()
    }
  })

  it('spreads connections across more than one thread', async () => {
    // With two threads, the chance that 40 connections all land on one is 2 in 2^40.
    const clients = await connectClients(server.port, 40)
    try {
      const ports = new Set(clients.map((client) => `127.0.0.1:${client.socket.localPort}`))
      const connected = await server.waitForLogs(
        (line) => line.msg === 'connected' && ports.has(line.peer as string),
        clients.length,
        'every client to be logged as connected',
      )
      const threads = new Set(connected.map((line) => line.thread))
      expect(threads.size).toBe(2)
    } finally {
      for (const client of clients) client.destroy()
    }
  })
})
