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

export interface SessionPair {
  client: Duplex
  server: Duplex
  report: Promise<SessionReport>
}

export function openSession(options: Partial<SessionOptions> = {}): SessionPair {
  const [client, server] = duplexPair()
  const report = serveSession(server, { ...TEST_SESSION, ...options })
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
