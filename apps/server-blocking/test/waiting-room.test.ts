/**
 * The line in front of the blocking server: arrival order, the bound, clients that hang up while
 * waiting, and what the waiting clients are told when the server stops.
 */
import { describe, expect, it } from 'vitest'
import { closedAfterEach, connOf, indexOf, logOf } from './server.ts'

const open = closedAfterEach()

describe('the waiting room', () => {
  it('serves waiting clients in the order they arrived', async () => {
    const server = await open.server()
    const first = await open.beingServed(server)
    const waiters = []
    for (const position of [1, 2, 3]) {
      const waiter = await open.client(server)
      // Each one says everything it has to say at once, then waits its turn.
      waiter.write(`waiter ${position}\nsair\n`)
      const conn = await connOf(server, waiter)
      expect(await logOf(server, conn, 'waiting')).toMatchObject({ position })
      waiters.push({ waiter, conn, position })
    }
    first.sendLine('sair')
    for (const { waiter, position } of waiters) {
      expect((await waiter.readToEnd()).toString()).toBe(`Echo: waiter ${position}\n`)
    }
    const servedOrder = waiters.map(({ conn }) => indexOf(server, conn, 'served'))
    expect(servedOrder).toEqual([...servedOrder].sort((a, b) => a - b))
  })

  it('tells a client past the bound that the server is busy, and closes it', async () => {
    const server = await open.server(['--max-waiting', '1'])
    const first = await open.client(server)
    const waiter = await open.client(server)
    waiter.sendLine('patient')
    expect(await logOf(server, await connOf(server, waiter), 'waiting')).toMatchObject({
      position: 1,
    })
    const turnedAway = await open.client(server)
    expect((await turnedAway.readToEnd()).toString()).toBe(
      'Error: server busy (1 clients waiting)\n',
    )
    expect(await logOf(server, await connOf(server, turnedAway), 'refused')).toMatchObject({
      code: 'ECHO_ERR_SERVER_BUSY',
    })

    first.sendLine('sair')
    expect(await waiter.nextLine()).toBe('Echo: patient')
  })

  it('lets nobody wait with --max-waiting 0', async () => {
    const server = await open.server(['--max-waiting', '0'])
    const first = await open.client(server)
    first.sendLine('alone')
    expect(await first.nextLine()).toBe('Echo: alone')
    const second = await open.client(server)
    expect((await second.readToEnd()).toString()).toBe('Error: server busy (0 clients waiting)\n')
  })

  it('a waiting client that hangs up leaves the queue, and frees its place', async () => {
    const server = await open.server(['--max-waiting', '1'])
    const first = await open.beingServed(server)

    const leaver = await open.client(server)
    const leaverConn = await connOf(server, leaver)
    await logOf(server, leaverConn, 'waiting')
    leaver.end()
    expect(await logOf(server, leaverConn, 'left the queue')).toMatchObject({ why: 'hung up' })
    expect(await leaver.readToEnd()).toEqual(Buffer.alloc(0))

    const next = await open.client(server)
    next.sendLine('my turn')
    expect(await logOf(server, await connOf(server, next), 'waiting')).toMatchObject({
      position: 1,
    })
    first.sendLine('sair')
    expect(await next.nextLine()).toBe('Echo: my turn')
    expect(indexOf(server, leaverConn, 'served')).toBe(-1)
  })

  it('a waiting client whose connection is reset leaves the queue; the others keep their place', async () => {
    const server = await open.server()
    const first = await open.beingServed(server)
    const resetter = await open.client(server)
    const resetterConn = await connOf(server, resetter)
    const stayer = await open.client(server)
    stayer.sendLine('still here')
    await logOf(server, await connOf(server, stayer), 'waiting')

    resetter.socket.resetAndDestroy()
    await logOf(server, resetterConn, 'left the queue')
    first.sendLine('sair')
    expect(await stayer.nextLine()).toBe('Echo: still here')
  })

  it('keeps a waiting client that sent messages and half-closed, and answers it in its turn', async () => {
    const server = await open.server()
    const first = await open.beingServed(server)
    // printf 'a\nb\nlast' | nc -N host port, while someone else is served: it is owed replies.
    const owed = await open.client(server)
    const owedConn = await connOf(server, owed)
    owed.write('a\nb\nlast')
    owed.end()
    await logOf(server, owedConn, 'waiting')
    // Round trips of the first client give the server every chance to see the half-close.
    for (const word of ['one', 'two', 'three']) {
      first.sendLine(word)
      expect(await first.nextLine()).toBe(`Echo: ${word}`)
    }
    first.sendLine('sair')
    expect((await owed.readToEnd()).toString()).toBe('Echo: a\nEcho: b\nEcho: last\n')
    expect(indexOf(server, owedConn, 'left the queue')).toBe(-1)
    expect(await logOf(server, owedConn, 'session ended')).toMatchObject({
      reason: 'end-of-input',
      messages: 3,
    })
  })

  it('serves the next client once a silent one reaches the idle timeout', async () => {
    const server = await open.server(['--idle-timeout-ms', '500'])
    const silent = await open.client(server)
    await logOf(server, await connOf(server, silent), 'served')
    const waiter = await open.client(server)
    waiter.sendLine('my turn')
    expect((await silent.readToEnd()).toString()).toBe(
      'Error: idle timeout (no message for 500 ms)\n',
    )
    expect(await waiter.nextLine()).toBe('Echo: my turn')
  })
})
