import { once } from 'node:events'
import type { Duplex } from 'node:stream'
import { WAIT_MS, within } from './watchdog.ts'

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
