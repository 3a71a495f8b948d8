/**
 * Sessions against clients that try to make the server work or wait for nothing: a message that
 * trickles in a byte at a time, a read full of LFs from a client that never reads, a client that
 * keeps sending after it was told goodbye. Over an in-memory pair; the end-to-end twins run
 * against both servers in apps/server-threaded/test/fault-suite.test.ts.
 */
import { replyLength } from '@echolab/protocol'
import { DEFAULT_WAIT_MS, withTimeout } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { SESSION_BOUNDS } from '../src/session.ts'
import { Inbox } from './support/inbox.ts'
import { openSession, reportOf } from './support/session-pair.ts'

describe('a session with a client that drips a message', () => {
  it('cuts a message that grows a byte at a time but never completes, as idle', async () => {
    const pair = openSession({ idleTimeoutMs: 300 })
    const inbox = new Inbox(pair.client)
    // A byte every 50 ms for up to 3 s: every byte well inside the idle time.
    let dripped = 0
    const drip = setInterval(() => {
      if (++dripped >= 60 || pair.client.destroyed) clearInterval(drip)
      else pair.client.write('x')
    }, 50)
    try {
      const received = await inbox.untilServerEnds()
      expect(received.toString()).toBe('Error: idle timeout (no message for 300 ms)\n')
      const report = await reportOf(pair)
      expect(report.reason).toBe('idle-timeout')
      expect(report.bytesIn, 'cut while still dripping').toBeLessThan(59)
    } finally {
      clearInterval(drip)
    }
  })

  it('keeps a client whose messages complete within the idle time', async () => {
    const pair = openSession({ idleTimeoutMs: 400 })
    const inbox = new Inbox(pair.client)
    for (let i = 0; i < 8; i++) {
      pair.client.write(`m${i}\n`)
      await inbox.atLeast((i + 1) * 'Echo: m0\n'.length)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    pair.client.end()
    expect(await reportOf(pair)).toMatchObject({ reason: 'end-of-input', messages: 8 })
  })
})

describe('a session given one read of many messages', () => {
  it('stops decoding the read where the replies owed pass the bound, and answers the rest later', async () => {
    const maxBufferedReplyBytes = 1024
    const pair = openSession({ maxBufferedReplyBytes })
    let mostOwed = 0
    pair.server.on('data', () => {
      mostOwed = Math.max(mostOwed, pair.server.writableLength)
    })
    const lfs = 100_000
    pair.client.write(Buffer.alloc(lfs, 0x0a))
    pair.client.end()
    const inbox = new Inbox(pair.client)
    const received = await inbox.untilServerEnds()
    expect(mostOwed).toBeLessThanOrEqual(maxBufferedReplyBytes + replyLength(0))
    expect(received.equals(Buffer.from('Echo: \n'.repeat(lfs)))).toBe(true)
    expect(await reportOf(pair)).toMatchObject({ reason: 'end-of-input', messages: lfs })
  })
})

describe('a session given one read of more messages than it answers in a turn', () => {
  it('answers them over several turns, in order, and then what came after', async () => {
    const many = SESSION_BOUNDS.messagesPerTurn * 10
    const pair = openSession()
    const inbox = new Inbox(pair.client)
    pair.client.write(Buffer.alloc(many, 0x0a))
    pair.client.write('after\n')
    const expected = Buffer.from(`${'Echo: \n'.repeat(many)}Echo: after\n`)
    expect((await inbox.atLeast(expected.length)).equals(expected)).toBe(true)
    pair.client.end()
    expect(await reportOf(pair)).toMatchObject({ reason: 'end-of-input', messages: many + 1 })
  })
})

describe('two sessions on one event loop, one of them flooding LFs', () => {
  it("answers the polite client long before the flood's last reply", async () => {
    const flood = openSession({ maxBufferedReplyBytes: 1024 * 1024 * 1024 })
    const polite = openSession()
    const floodInbox = new Inbox(flood.client)
    const politeInbox = new Inbox(polite.client)
    const lfs = 200_000
    flood.client.write(Buffer.alloc(lfs, 0x0a))
    polite.client.write('hi\n')
    await politeInbox.atLeast('Echo: hi\n'.length)
    // Without a bound per turn, the flood's read is answered whole before the polite client's.
    expect(floodInbox.bytes.length).toBeLessThan(replyLength(0) * lfs)
    await floodInbox.atLeast(replyLength(0) * lfs)
    flood.client.end()
    polite.client.end()
    expect((await reportOf(flood)).messages).toBe(lfs)
  })
})

describe('a session that has said goodbye', () => {
  it('destroys the connection once the client sends more than a few reads after its quit word', async () => {
    const pair = openSession()
    const inbox = new Inbox(pair.client)
    pair.client.write('hi\nsair\n')
    await inbox.atLeast('Echo: hi\n'.length)
    const garbage = Buffer.alloc(64 * 1024, 'g')
    const rounds = (2 * SESSION_BOUNDS.droppedBytesAfterGoodbye) / garbage.length
    for (let i = 0; i < rounds && !pair.client.destroyed; i++) pair.client.write(garbage)
    const report = await reportOf(pair)
    expect(report).toMatchObject({ reason: 'quit', messages: 1 })
    expect(pair.server.destroyed).toBe(true)
    expect(inbox.bytes.toString()).toBe('Echo: hi\n')
  })

  it('destroys the connection of a client that keeps its side open, well before drainTimeoutMs', async () => {
    const pair = openSession({ drainTimeoutMs: 60_000 })
    const inbox = new Inbox(pair.client)
    pair.client.write('hi\nsair\n')
    const report = await withTimeout(pair.report, DEFAULT_WAIT_MS, 'session report')
    expect(report.reason).toBe('quit')
    expect(inbox.bytes.toString()).toBe('Echo: hi\n')
  })
})
