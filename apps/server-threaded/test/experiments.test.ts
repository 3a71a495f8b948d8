/**
 * The lab's experiments 3 and 4 against the concurrent server (DESIGN.md): the accept loop goes
 * back to accepting at once, each client is served independently, and two clients are answered
 * at the same time while the log shows both connections active.
 */
import { connectClient, type RunningServer } from '@echolab/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startThreadedServer } from './server.ts'

describe('the concurrent server (experiments 3 and 4)', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startThreadedServer(['--max-message-bytes', '64'])
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('answers two clients connected at the same time, both still connected (experiment 4)', async () => {
    const first = await connectClient(server.port)
    const second = await connectClient(server.port)
    try {
      first.sendLine('Olá, meu amigo Servidor')
      expect(await first.nextLine()).toBe('Echo: Olá, meu amigo Servidor')
      // The first client has not left, and the second is answered anyway.
      second.sendLine('eu também')
      expect(await second.nextLine()).toBe('Echo: eu também')
      first.sendLine('ainda aqui')
      expect(await first.nextLine()).toBe('Echo: ainda aqui')

      const connected = await server.waitForLog(
        (line) => line.msg === 'connected' && line.active === 2,
        'a "connected" line with two active connections',
      )
      expect(connected).toMatchObject({ level: 'info', conn: expect.any(Number) })
      // Served on a worker thread: the main thread (threadId 0) only supervises.
      expect(connected.thread).toBeGreaterThan(0)

      first.sendLine('sair')
      second.sendLine('sair')
      expect((await first.readToEnd()).toString()).toBe('')
      expect((await second.readToEnd()).toString()).toBe('')
    } finally {
      first.destroy()
      second.destroy()
    }
  })

  it('logs each message with its connection id and a preview', async () => {
    const client = await connectClient(server.port)
    try {
      client.sendLine('visível no log')
      expect(await client.nextLine()).toBe('Echo: visível no log')
      const message = await server.waitForLog(
        (line) => line.msg === 'message' && line.text === 'visível no log',
        'the message in the log',
      )
      const connected = await server.waitForLog(
        (line) => line.msg === 'connected' && line.conn === message.conn,
        'the "connected" line of the same connection',
      )
      expect(connected.peer).toBe(`127.0.0.1:${client.socket.localPort}`)
      expect(message.thread).toBe(connected.thread)
    } finally {
      client.destroy()
    }
  })

  it('a client sending an oversize message is closed while another keeps being answered (experiment 3)', async () => {
    const steady = await connectClient(server.port)
    const faulty = await connectClient(server.port)
    try {
      steady.sendLine('before')
      expect(await steady.nextLine()).toBe('Echo: before')
      faulty.write(`${'x'.repeat(65)}\n`)
      expect((await faulty.readToEnd()).toString()).toBe(
        'Error: message too long (limit 64 bytes)\n',
      )
      steady.sendLine('after')
      expect(await steady.nextLine()).toBe('Echo: after')
      const ended = await server.waitForLog(
        (line) => line.msg === 'session ended' && line.reason === 'message-too-long',
        'the faulty session to end',
      )
      expect(ended).toMatchObject({ messages: 0 })
    } finally {
      steady.destroy()
      faulty.destroy()
    }
  })
})
