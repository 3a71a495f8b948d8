/**
 * The lab's experiments 1 and 2 (DESIGN.md) against the real server: one client, then two
 * clients started together, one served after the other.
 */
import { describe, expect, it } from 'vitest'
import { closedAfterEach, connOf, indexOf, logOf } from './server.ts'

const open = closedAfterEach()

describe('experiment 1: the blocking server and one client', () => {
  it('echoes "Olá, meu amigo Servidor", logs it, ends on sair and goes on serving', async () => {
    const server = await open.server()
    const client = await open.client(server)
    client.sendLine('Olá, meu amigo Servidor')
    expect(await client.nextLine()).toBe('Echo: Olá, meu amigo Servidor')
    const conn = await connOf(server, client)
    expect(await logOf(server, conn, 'message')).toMatchObject({
      text: 'Olá, meu amigo Servidor',
      bytes: Buffer.byteLength('Olá, meu amigo Servidor'),
    })

    // Like nc, the client keeps its side open after `sair`: the server closes on its own.
    client.sendLine('sair')
    expect(await client.readToEnd()).toEqual(Buffer.alloc(0))
    expect(await logOf(server, conn, 'session ended')).toMatchObject({
      reason: 'quit',
      messages: 1,
    })

    const next = await open.client(server)
    next.sendLine('ainda aí?')
    expect(await next.nextLine()).toBe('Echo: ainda aí?')
  })
})

describe('experiment 2: the blocking server and two clients started together', () => {
  it('answers the second client only once the first has left, and logs one session after the other', async () => {
    const server = await open.server()
    const first = await open.client(server)
    const second = await open.client(server)
    second.sendLine('segundo')
    const [firstConn, secondConn] = [await connOf(server, first), await connOf(server, second)]
    expect(await logOf(server, secondConn, 'waiting')).toMatchObject({ position: 1 })

    for (const word of ['um', 'dois', 'três']) {
      first.sendLine(word)
      expect(await first.nextLine()).toBe(`Echo: ${word}`)
      // The second client's message arrived long before these round trips, and is unanswered.
      expect(second.unread).toEqual(Buffer.alloc(0))
    }
    first.sendLine('sair')
    expect(await second.nextLine()).toBe('Echo: segundo')

    const served = await logOf(server, secondConn, 'served')
    expect(served.waitedMs).toBeGreaterThan(0)
    const order = [
      indexOf(server, firstConn, 'served'),
      indexOf(server, firstConn, 'session ended'),
      indexOf(server, secondConn, 'served'),
      indexOf(server, secondConn, 'message'),
    ]
    expect(order.every((at) => at >= 0)).toBe(true)
    expect(order).toEqual([...order].sort((a, b) => a - b))
    const firstMessages = server.logs.filter((l) => l.msg === 'message' && l.conn === firstConn)
    expect(firstMessages.map((l) => l.text)).toEqual(['um', 'dois', 'três'])
    expect(
      server.logs.findLastIndex((l) => l.msg === 'message' && l.conn === firstConn),
    ).toBeLessThan(indexOf(server, secondConn, 'served'))
  })
})
