/**
 * A session over an in-memory duplex pair (STYLE.md principle 8): the test holds the client end,
 * the session serves the other. duplexPair() ends are allowHalfOpen, like a TCP socket the
 * servers create, so a client's end() is a half-close the session can still answer.
 */
import { once } from 'node:events'
import { type Duplex, duplexPair } from 'node:stream'
import { type SessionOptions, type SessionReport, serveSession } from '../../src/session.ts'
import { WAIT_MS, within } from './watchdog.ts'

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

/** What the client end receives, read as it arrives (a client that reads). */
export class Inbox {
  readonly #client: Duplex
  #chunks: Buffer[] = []
  #length = 0
  #waiters = new Set<() => void>()

  constructor(client: Duplex) {
    this.#client = client
    client.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk)
      this.#length += chunk.length
      for (const waiter of [...this.#waiters]) waiter()
    })
  }

  get bytes(): Buffer {
    return Buffer.concat(this.#chunks)
  }

  /** Resolves once `count` bytes have arrived. */
  async atLeast(count: number): Promise<Buffer> {
    let check = (): void => {}
    const arrived = new Promise<void>((resolve) => {
      check = () => {
        if (this.#length >= count) resolve()
      }
      this.#waiters.add(check)
      check()
    })
    await within(arrived, WAIT_MS, `${count} bytes from the server`).finally(() =>
      this.#waiters.delete(check),
    )
    return this.bytes
  }

  /**
   * Everything the server sent, once it has ended its side. Like nc, the client then closes its
   * own side too, so the session can close.
   */
  async untilServerEnds(): Promise<Buffer> {
    if (!this.#client.readableEnded) {
      await within(once(this.#client, 'end'), WAIT_MS, 'end of the replies from the server')
    }
    this.#client.end()
    return this.bytes
  }
}

/** The session's report, bounded. */
export function reportOf(pair: SessionPair): Promise<SessionReport> {
  return within(pair.report, WAIT_MS, 'session report')
}

/** The replies a client expects to `messages`, as one buffer. */
export function echoesOf(messages: readonly string[]): Buffer {
  return Buffer.from(messages.map((message) => `Echo: ${message}\n`).join(''))
}
