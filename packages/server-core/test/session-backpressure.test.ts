import { replyLength } from '@echolab/protocol'
import { DEFAULT_WAIT_MS, withTimeout } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { Inbox } from './support/inbox.ts'
import { echoesOf, openSession, reportOf, type SessionPair } from './support/session-pair.ts'

const MESSAGE_CHARS = 1000
const MESSAGES = 2000 // about 2 MB: far more than any buffer between the two ends holds

/** Distinct messages, so a reply out of order or lost shows. */
function messageNumber(i: number): string {
  return `${String(i).padStart(6, '0')} ${'m'.repeat(MESSAGE_CHARS - 7)}`
}

/** Watches the server end: the most reply bytes it held after a read, and when it stops reading. */
function watchServer(pair: SessionPair) {
  const watch = { mostOwed: 0, bytesRead: 0, paused: Promise.resolve() }
  watch.paused = new Promise((resolve) => {
    // Listeners run in order: this one sees the stream as the session left it after each read.
    pair.server.on('data', (chunk: Buffer) => {
      watch.bytesRead += chunk.length
      watch.mostOwed = Math.max(watch.mostOwed, pair.server.writableLength)
      if (pair.server.isPaused()) resolve()
    })
  })
  return watch
}

/** The client sends every message, one write each, without reading and without waiting. */
function sendWithoutReading(pair: SessionPair): string[] {
  const messages = Array.from({ length: MESSAGES }, (_, i) => messageNumber(i))
  for (const message of messages) pair.client.write(`${message}\n`)
  return messages
}

describe('a session with a client that does not read its replies', () => {
  it.each([
    { maxBufferedReplyBytes: 256 * 1024, what: 'above the stream high-water mark' },
    { maxBufferedReplyBytes: 16 * 1024, what: 'below the stream high-water mark' },
  ])(
    'keeps the reply bytes it owes near maxBufferedReplyBytes ($what), then delivers every reply intact',
    async ({ maxBufferedReplyBytes }) => {
      const pair = openSession({ maxBufferedReplyBytes })
      const watch = watchServer(pair)
      const messages = sendWithoutReading(pair)
      const bytesSent = MESSAGES * (MESSAGE_CHARS + 1)
      // Past the bound the session stops reading; what it owes may exceed the bound by the
      // replies to one read, each read here being one message.
      const bound = maxBufferedReplyBytes + replyLength(MESSAGE_CHARS)

      await withTimeout(
        watch.paused,
        DEFAULT_WAIT_MS,
        'pause in reading from a client that does not read',
      )
      expect(watch.bytesRead).toBeLessThan(bytesSent)
      expect(pair.server.writableLength).toBeLessThanOrEqual(bound)

      const inbox = new Inbox(pair.client)
      pair.client.end()
      const received = await inbox.untilServerEnds()
      const expected = echoesOf(messages)
      expect(received.length).toBe(expected.length)
      expect(received.equals(expected), 'every reply arrives, in order and intact').toBe(true)
      expect(watch.mostOwed).toBeLessThanOrEqual(bound)
      expect(await reportOf(pair)).toMatchObject({
        reason: 'end-of-input',
        messages: MESSAGES,
        bytesIn: bytesSent,
        bytesOut: expected.length,
      })
    },
  )

  it('drops a client that never reads once drainTimeoutMs passes', async () => {
    const pair = openSession({ maxBufferedReplyBytes: 16 * 1024, drainTimeoutMs: 200 })
    const watch = watchServer(pair)
    sendWithoutReading(pair)
    await withTimeout(
      watch.paused,
      DEFAULT_WAIT_MS,
      'pause in reading from a client that does not read',
    )
    const report = await reportOf(pair)
    expect(report.reason).toBe('drain-timeout')
    expect(report.messages).toBeLessThan(MESSAGES)
    expect(report.bytesIn).toBe(watch.bytesRead)
    expect(pair.server.destroyed).toBe(true)
  })

  it('still ends an idle client after it was paused for not reading', async () => {
    const pair = openSession({ maxBufferedReplyBytes: 256 * 1024, idleTimeoutMs: 300 })
    const watch = watchServer(pair)
    const messages = sendWithoutReading(pair)
    await withTimeout(
      watch.paused,
      DEFAULT_WAIT_MS,
      'pause in reading from a client that does not read',
    )
    // The client now reads everything, then stays connected and silent.
    const inbox = new Inbox(pair.client)
    const received = await inbox.untilServerEnds()
    const idleLine = Buffer.from('Error: idle timeout (no message for 300 ms)\n')
    expect(received.subarray(received.length - idleLine.length)).toEqual(idleLine)
    expect(received.subarray(0, received.length - idleLine.length).equals(echoesOf(messages))).toBe(
      true,
    )
    expect(await reportOf(pair)).toMatchObject({ reason: 'idle-timeout', messages: MESSAGES })
  })
})
