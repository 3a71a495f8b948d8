import { getEventListeners } from 'node:events'
import { duplexPair } from 'node:stream'
import { EchoError } from '@echolab/protocol'
import { DEFAULT_WAIT_MS, withTimeout } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { Inbox } from './support/inbox.ts'
import {
  openSession,
  reportOf,
  serveTestSession,
  TEST_SESSION,
  type TestSessionOptions,
} from './support/session-pair.ts'

/**
 * A client that sends `chunks`, one write each, half-closes if told to, and reads until the
 * server ends: what it received and how the session reported it.
 */
async function converse(
  chunks: readonly (string | Buffer)[],
  { halfClose = false, ...options }: Partial<TestSessionOptions> & { halfClose?: boolean } = {},
) {
  const pair = openSession(options)
  const inbox = new Inbox(pair.client)
  for (const chunk of chunks) pair.client.write(chunk)
  if (halfClose) pair.client.end()
  return { received: await inbox.untilServerEnds(), report: await reportOf(pair) }
}

describe('a session answering a client', () => {
  it('answers each message in order, across chunks', async () => {
    const { received, report } = await converse(['one\ntwo\n', 'thr', 'ee\n'], { halfClose: true })
    expect(received).toEqual(Buffer.from('Echo: one\nEcho: two\nEcho: three\n'))
    expect(report).toMatchObject({ reason: 'end-of-input', messages: 3, bytesIn: 14, bytesOut: 32 })
    expect(report.error).toBeUndefined()
  })

  it('answers empty messages, NUL and invalid UTF-8 byte for byte', async () => {
    const { received, report } = await converse([Buffer.from([0x0a, 0x00, 0xff, 0x0d, 0x0a])], {
      halfClose: true,
    })
    expect(received).toEqual(
      Buffer.concat([Buffer.from('Echo: \nEcho: '), Buffer.from([0x00, 0xff]), Buffer.from('\n')]),
    )
    expect(report.messages).toBe(2)
  })

  it('calls onMessage with each message before answering it', async () => {
    const seen: string[] = []
    await converse(['Olá\nsegundo\n'], {
      halfClose: true,
      onMessage: (message) => seen.push(message.toString()),
    })
    expect(seen).toEqual(['Olá', 'segundo'])
  })
})

describe('sessions of one thread', () => {
  // They share a reply batch and lend each other a decoder between reads: what one holds for
  // later must stay its own.
  it('keep their partial messages apart while their reads interleave', async () => {
    const first = openSession()
    const second = openSession()
    const firstInbox = new Inbox(first.client)
    const secondInbox = new Inbox(second.client)
    const writes: [typeof first, string][] = [
      [first, 'al'],
      [second, 'be'],
      [first, 'pha\nga'],
      [second, 'ta\nde'],
      [first, 'mma\n'],
      [second, 'lta\n'],
    ]
    for (const [pair, chunk] of writes) {
      pair.client.write(chunk)
      // Each write is its own read on the other side.
      await new Promise((resolve) => setImmediate(resolve))
    }
    first.client.end()
    second.client.end()
    expect(await firstInbox.untilServerEnds()).toEqual(Buffer.from('Echo: alpha\nEcho: gamma\n'))
    expect(await secondInbox.untilServerEnds()).toEqual(Buffer.from('Echo: beta\nEcho: delta\n'))
    expect((await reportOf(first)).messages).toBe(2)
    expect((await reportOf(second)).messages).toBe(2)
  })
})

describe('a session for a client that waited its turn', () => {
  it('answers what the client sent and its half-close while it waited', async () => {
    const [client, server] = duplexPair()
    server.pause() // as the blocking server keeps a waiting connection
    const inbox = new Inbox(client)
    client.end('sent while waiting\nlast')
    const report = serveTestSession(server, TEST_SESSION)
    expect(await inbox.untilServerEnds()).toEqual(
      Buffer.from('Echo: sent while waiting\nEcho: last\n'),
    )
    expect(await withTimeout(report, DEFAULT_WAIT_MS, 'session report')).toMatchObject({
      reason: 'end-of-input',
      messages: 2,
    })
  })

  it('reports a client that hung up before its turn as gone, without answering', async () => {
    const [, server] = duplexPair()
    server.destroy()
    const report = await withTimeout(
      serveTestSession(server, TEST_SESSION),
      DEFAULT_WAIT_MS,
      'session report',
    )
    expect(report).toMatchObject({ reason: 'peer-reset', messages: 0, bytesOut: 0 })
  })
})

describe('a session ended by a quit word', () => {
  it('answers what came before sair and nothing after it in the same chunk', async () => {
    const { received, report } = await converse(['before\nsair\nafter\n'])
    expect(received).toEqual(Buffer.from('Echo: before\n'))
    expect(report).toMatchObject({ reason: 'quit', messages: 1, bytesIn: 18, bytesOut: 13 })
  })

  it('answers nothing that arrives in later chunks', async () => {
    const pair = openSession()
    const inbox = new Inbox(pair.client)
    pair.client.write('before\n  QUIT\t\r\n')
    await inbox.atLeast('Echo: before\n'.length)
    pair.client.write('later\n')
    expect(await inbox.untilServerEnds()).toEqual(Buffer.from('Echo: before\n'))
    expect(await reportOf(pair)).toMatchObject({ reason: 'quit', messages: 1, bytesOut: 13 })
  })

  it('ends on a quit word that is the last message of a half-closed stream', async () => {
    const { received, report } = await converse(['hello\nexit'], { halfClose: true })
    expect(received).toEqual(Buffer.from('Echo: hello\n'))
    expect(report).toMatchObject({ reason: 'quit', messages: 1 })
  })
})

describe('a session ended by the client half-closing', () => {
  it('answers everything that was sent first, the last message without LF included', async () => {
    const { received, report } = await converse(['first\n', 'last'], { halfClose: true })
    expect(received).toEqual(Buffer.from('Echo: first\nEcho: last\n'))
    expect(report).toMatchObject({ reason: 'end-of-input', messages: 2, bytesIn: 10, bytesOut: 23 })
  })

  it('ends with no reply when nothing was sent', async () => {
    const { received, report } = await converse([], { halfClose: true })
    expect(received).toEqual(Buffer.alloc(0))
    expect(report).toMatchObject({ reason: 'end-of-input', messages: 0, bytesIn: 0, bytesOut: 0 })
  })
})

describe('a session ended by an oversize message', () => {
  const tooLong = Buffer.from('Error: message too long (limit 8 bytes)\n')

  it('answers the messages before it in the same chunk, then sends the Error line and closes', async () => {
    const { received, report } = await converse([`ok\n${'x'.repeat(9)}\nnever\n`], {
      maxMessageBytes: 8,
    })
    expect(received).toEqual(Buffer.concat([Buffer.from('Echo: ok\n'), tooLong]))
    expect(report).toMatchObject({ reason: 'message-too-long', messages: 1, bytesOut: 49 })
    expect(report.error).toBeInstanceOf(EchoError)
    expect((report.error as EchoError).code).toBe('ECHO_ERR_MESSAGE_TOO_LONG')
  })

  it('refuses as soon as the limit is passed, without waiting for a LF', async () => {
    const { received, report } = await converse(['xxxxx', 'xxxxx'], { maxMessageBytes: 8 })
    expect(received).toEqual(tooLong)
    expect(report).toMatchObject({ reason: 'message-too-long', messages: 0 })
  })

  it('refuses an oversize last message that had no LF', async () => {
    const { received, report } = await converse(['xxxxxxxx\r'], {
      maxMessageBytes: 8,
      halfClose: true,
    })
    expect(received).toEqual(tooLong)
    expect(report.reason).toBe('message-too-long')
  })
})

describe('a session ended by the server', () => {
  it('tells a client that stays silent for idleTimeoutMs, after its replies', async () => {
    const pair = openSession({ idleTimeoutMs: 150 })
    const inbox = new Inbox(pair.client)
    pair.client.write('hello\n')
    expect(await inbox.untilServerEnds()).toEqual(
      Buffer.from('Echo: hello\nError: idle timeout (no message for 150 ms)\n'),
    )
    const report = await reportOf(pair)
    expect(report).toMatchObject({ reason: 'idle-timeout', messages: 1, bytesIn: 6, bytesOut: 56 })
    expect((report.error as EchoError).code).toBe('ECHO_ERR_IDLE_TIMEOUT')
  })

  it('tells the client the server is shutting down when the signal aborts', async () => {
    const shutdown = new AbortController()
    const pair = openSession({ signal: shutdown.signal })
    const inbox = new Inbox(pair.client)
    pair.client.write('hi\n')
    await inbox.atLeast('Echo: hi\n'.length)
    shutdown.abort()
    expect(await inbox.untilServerEnds()).toEqual(
      Buffer.from('Echo: hi\nError: server shutting down\n'),
    )
    const report = await reportOf(pair)
    expect(report).toMatchObject({ reason: 'shutdown', messages: 1, bytesIn: 3, bytesOut: 37 })
    expect((report.error as EchoError).code).toBe('ECHO_ERR_SHUTTING_DOWN')
  })

  it('tells a client at once when the signal was aborted before the session started', async () => {
    const pair = openSession({ signal: AbortSignal.abort() })
    const inbox = new Inbox(pair.client)
    expect(await inbox.untilServerEnds()).toEqual(Buffer.from('Error: server shutting down\n'))
    expect(await reportOf(pair)).toMatchObject({ reason: 'shutdown', messages: 0, bytesIn: 0 })
  })

  it('stops listening to the shared shutdown signal once the session is over', async () => {
    const shutdown = new AbortController()
    const pair = openSession({ signal: shutdown.signal })
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1)
    const inbox = new Inbox(pair.client)
    pair.client.end('bye\n')
    await inbox.untilServerEnds()
    expect((await reportOf(pair)).reason).toBe('end-of-input')
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0)
  })

  it('listens once to a signal its sessions share, and tells each of them, past the ones over', async () => {
    const shutdown = new AbortController()
    const [over, first, second] = [0, 1, 2].map(() => openSession({ signal: shutdown.signal }))
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1)
    over!.client.resume()
    over!.client.end()
    expect((await reportOf(over!)).reason).toBe('end-of-input')
    const inboxes = [first!, second!].map((pair) => new Inbox(pair.client))
    shutdown.abort()
    for (const inbox of inboxes) {
      expect(await inbox.untilServerEnds()).toEqual(Buffer.from('Error: server shutting down\n'))
    }
    expect((await reportOf(first!)).reason).toBe('shutdown')
    expect((await reportOf(second!)).reason).toBe('shutdown')
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0)
  })
})
