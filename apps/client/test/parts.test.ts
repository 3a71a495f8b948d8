/**
 * The client's parts that need no socket: reading stdin lines, checking replies, building bench
 * payloads, reading settings, filling templates and writing the summary.
 */
import { ProgramError } from '@echolab/cli'
import { describe, expect, it } from 'vitest'
import { Payloads } from '../src/bench/payload.ts'
import { UnreachableError } from '../src/connect.ts'
import { fillTemplate, lineMessages, MAX_MESSAGE_BYTES } from '../src/messages.ts'
import { isEchoOf, ReplyTracker } from '../src/reply-tracker.ts'
import { readCommandLine } from '../src/settings.ts'
import { formatSummary, RoundTrips, summarise } from '../src/summary.ts'

describe('replies', () => {
  it('the right reply is exactly Echo: and the message bytes', () => {
    const message = Buffer.from([0x6f, 0x6c, 0xc3, 0xa1, 0xff])
    expect(isEchoOf(message, Buffer.concat([Buffer.from('Echo: '), message]))).toBe(true)
    expect(isEchoOf(message, Buffer.concat([Buffer.from('echo: '), message]))).toBe(false)
    expect(
      isEchoOf(message, Buffer.concat([Buffer.from('Echo: '), message, Buffer.from('\r')])),
    ).toBe(false)
    expect(isEchoOf(Buffer.alloc(0), Buffer.from('Echo: '))).toBe(true)
  })

  it('matches lines to messages in order and tells an Error: line from an echo', () => {
    const tracker = new ReplyTracker()
    tracker.sent(Buffer.from('a'))
    tracker.sent(Buffer.from('Error: b'))
    expect(tracker.receive(Buffer.from('Echo: a')).kind).toBe('echo')
    expect(tracker.receive(Buffer.from('Echo: Error: b')).kind).toBe('echo')
    expect(tracker.receive(Buffer.from('Echo: c')).kind).toBe('unexpected')
    tracker.sent(Buffer.from('d'))
    expect(tracker.receive(Buffer.from('Error: idle timeout (no message for 300 s)')).kind).toBe(
      'server-error',
    )
    expect(tracker.pending.map((sent) => sent.n)).toEqual([3])
    expect(tracker.receive(Buffer.from('Echo: x')).kind).toBe('wrong')
  })
})

describe('bench payloads', () => {
  it('each message carries its sequence number and only its own reply matches', () => {
    const payloads = new Payloads(16)
    const wire = payloads.messages(41, 2)
    expect(wire.toString()).toBe('0000000041klmnop\n0000000042klmnop\n')
    expect(payloads.isReplyTo(Buffer.from('Echo: 0000000041klmnop'), 41)).toBe(true)
    expect(payloads.isReplyTo(Buffer.from('Echo: 0000000041klmnop'), 42)).toBe(false)
    expect(payloads.isReplyTo(Buffer.from('Echo: 0000000041ghijkL'), 41)).toBe(false)
  })

  it('a payload shorter than the sequence number keeps its low digits', () => {
    const payloads = new Payloads(3)
    expect(payloads.messages(1234, 1).toString()).toBe('234\n')
    expect(payloads.isReplyTo(Buffer.from('Echo: 234'), 1234)).toBe(true)
  })
})

describe('settings', () => {
  it('defaults to 127.0.0.1:5000 and reads the environment, flags winning', () => {
    const defaults = readCommandLine([], {})
    expect(defaults).toMatchObject({
      mode: 'talk',
      config: { host: '127.0.0.1', port: 5000, json: false },
    })
    const fromEnv = readCommandLine(['--port', '7000'], {
      SERVER_HOST: 'server',
      SERVER_PORT: '6000',
      CLIENT_JSON: 'true',
      CLIENT_MESSAGES: 'um\r\n\ndois\n',
    })
    expect(fromEnv).toMatchObject({ config: { host: 'server', port: 7000, json: true } })
    expect(fromEnv.mode === 'talk' && fromEnv.config.messages.map(String)).toEqual(['um', 'dois'])
  })

  it('bench mode from the subcommand or --bench, with short flags', () => {
    expect(
      readCommandLine(['bench', '-c', '3', '-s', '10', '-p', '2', '-d', '5', '-t', '2'], {}),
    ).toMatchObject({
      mode: 'bench',
      config: { connections: 3, payloadBytes: 10, pipeline: 2, durationS: 5, threads: 2 },
    })
    expect(readCommandLine(['--bench'], { BENCH_CONNECTIONS: '7' })).toMatchObject({
      mode: 'bench',
      config: { connections: 7 },
    })
  })
})

describe('messages', () => {
  it('a template fills in the client name and the message number', () => {
    expect(fillTemplate('{name} #{n}: {n}', 'c1', 3).toString()).toBe('c1 #3: 3')
  })

  it('stdin lines are messages as they arrive, one CR before the LF dropped', async () => {
    async function* chunks() {
      yield Buffer.from('a\r\nb')
      yield Buffer.from('\r\r\n\nlast')
    }
    const messages: string[] = []
    for await (const message of lineMessages(chunks())) messages.push(message.toString())
    expect(messages).toEqual(['a', 'b\r', '', 'last'])
  })

  it('a stdin line longer than any server takes is named by its number, after the lines before it', async () => {
    async function* chunks() {
      yield Buffer.concat([Buffer.from('one\ntwo\n'), Buffer.alloc(MAX_MESSAGE_BYTES + 1, 'x')])
    }
    const messages: string[] = []
    const reading = (async () => {
      for await (const message of lineMessages(chunks())) messages.push(message.toString())
    })()
    await expect(reading).rejects.toThrow(
      `line 3 of stdin is longer than ${MAX_MESSAGE_BYTES} bytes, the most a server can take as one message`,
    )
    expect(messages).toEqual(['one', 'two'])
  })
})

describe('summary', () => {
  it('says messages, replies, round trips and the wait for the first reply', () => {
    const roundTrips = new RoundTrips()
    for (const ms of [2, 0.5, 1.5]) roundTrips.add(ms)
    const summary = summarise({
      messages: 4,
      roundTrips,
      wrongReplies: 0,
      missingReplies: 1,
      firstReplyMs: 2,
      reconnections: 0,
      resent: 0,
      ok: false,
    })
    expect(summary).toEqual({
      messages: 4,
      replies: 3,
      wrongReplies: 0,
      missingReplies: 1,
      roundTripMs: { min: 0.5, avg: 1.333, max: 2 },
      firstReplyMs: 2,
      reconnections: 0,
      resent: 0,
      ok: false,
    })
    expect(formatSummary(summary)).toBe(
      'summary: 4 messages, 3 replies, 1 missing; round trip min 0.50 ms, avg 1.33 ms, max 2.00 ms; first reply after 2.00 ms',
    )
  })

  it('counts the reconnections and the messages sent again, when there were any', () => {
    const roundTrips = new RoundTrips()
    roundTrips.add(1)
    const summary = summarise({
      messages: 1,
      roundTrips,
      wrongReplies: 0,
      missingReplies: 0,
      firstReplyMs: 1,
      reconnections: 2,
      resent: 1,
      ok: true,
    })
    expect(formatSummary(summary)).toBe(
      'summary: 1 message, 1 reply; round trip min 1.00 ms, avg 1.00 ms, max 1.00 ms; first reply after 1.00 ms; reconnected 2 times, 1 sent again',
    )
  })
})

describe('UnreachableError', () => {
  it('is a ProgramError: one line saying what was tried, and exit status 1', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    const error = new UnreachableError('server', 5000, 3, 1_500, refused)
    expect(error).toBeInstanceOf(ProgramError)
    expect(error.exitStatus).toBe(1)
    expect(error.message).toMatch(/^cannot connect to server:5000 \(.+; 3 attempts over 1\.5 s\)$/)
  })
})
