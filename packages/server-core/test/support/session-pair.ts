/**
 * A session over an in-memory duplex pair (STYLE.md principle 8): the test holds the client end,
 * the session serves the other. duplexPair() ends are allowHalfOpen, like a TCP socket the
 * servers create, so a client's end() is a half-close the session can still answer.
 */
import { type Duplex, duplexPair } from 'node:stream'
import { DEFAULT_WAIT_MS, withTimeout } from '@echolab/testkit'
import { type SessionOptions, type SessionReport, serveSession } from '../../src/session.ts'

export const TEST_SESSION: SessionOptions = Object.freeze({
  maxMessageBytes: 64 * 1024,
  idleTimeoutMs: 0,
  maxBufferedReplyBytes: 256 * 1024,
  drainTimeoutMs: 10_000,
})

export interface TestSessionOptions extends SessionOptions {
  /** Called with each message before it is answered (SessionEvents.message). */
  onMessage?: ((message: Buffer) => void) | undefined
}

/** Serves `stream` as the servers do; settles with the report the session's `ended` event brings. */
export function serveTestSession(
  stream: Duplex,
  { onMessage, ...options }: TestSessionOptions,
): Promise<SessionReport> {
  return new Promise((resolve) => {
    serveSession(stream, 0, options, {
      message: (_id, message) => onMessage?.(message),
      ended: (_id, _stream, report) => resolve(report),
    })
  })
}

export interface SessionPair {
  client: Duplex
  server: Duplex
  report: Promise<SessionReport>
}

export function openSession(options: Partial<TestSessionOptions> = {}): SessionPair {
  const [client, server] = duplexPair()
  const report = serveTestSession(server, { ...TEST_SESSION, ...options })
  return { client, server, report }
}

/** The session's report, bounded. */
export function reportOf(pair: SessionPair): Promise<SessionReport> {
  return withTimeout(pair.report, DEFAULT_WAIT_MS, 'session report')
}

/** The replies a client expects to `messages`, as one buffer. */
export function echoesOf(messages: readonly string[]): Buffer {
  return Buffer.from(messages.map((message) => `Echo: ${message}\n`).join(''))
}
