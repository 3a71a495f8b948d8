import { once } from 'node:events'
import type { Duplex } from 'node:stream'
import { DEFAULT_WAIT_MS, withTimeout } from '@echolab/testkit'

/** What a client end (an in-memory pair end or a socket) receives, read as it arrives. */
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
    await withTimeout(arrived, DEFAULT_WAIT_MS, `${count} bytes from the server`).finally(() =>
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
      await withTimeout(
        once(this.#client, 'end'),
        DEFAULT_WAIT_MS,
        'end of the replies from the server',
      )
    }
    this.#client.end()
    return this.bytes
  }
}
