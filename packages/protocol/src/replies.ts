/**
 * What the server says back (DESIGN.md, "The wire protocol"): `Echo: ` + the message bytes + LF.
 * Messages stay bytes: nothing here decodes them to decide a reply.
 */

export const ECHO_PREFIX = Buffer.from('Echo: ')
const LF = 0x0a

/** Size on the wire of the reply to a message of `messageBytes` bytes. */
export function replyLength(messageBytes: number): number {
  return ECHO_PREFIX.length + messageBytes + 1
}

/** Writes the reply to `message` into `target` at `offset`; returns the offset after it. */
export function writeEchoReply(target: Buffer, offset: number, message: Uint8Array): number {
  // Six stores cost a sixth of a `set` call, and this runs for every message.
  for (let i = 0; i < ECHO_PREFIX.length; i++) target[offset + i] = ECHO_PREFIX[i]!
  let at = offset + ECHO_PREFIX.length
  // `set`, not Buffer#copy: for a few bytes copy's argument checks cost more than the copying.
  target.set(message, at)
  at += message.length
  target[at] = LF
  return at + 1
}

/**
 * Collects the replies to the messages of one read so they leave in one write: one syscall per
 * read instead of one per message is most of the difference at high message rates.
 */
export class ReplyBatch {
  #messages: Buffer[] = []
  #bytes = 0

  add(message: Buffer): void {
    this.#messages.push(message)
    this.#bytes += replyLength(message.length)
  }

  get isEmpty(): boolean {
    return this.#messages.length === 0
  }

  /** Size on the wire of the replies collected so far. */
  get byteLength(): number {
    return this.#bytes
  }

  /** The replies as one buffer; the batch is empty again afterwards. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.#bytes)
    let at = 0
    for (const message of this.#messages) at = writeEchoReply(out, at, message)
    this.clear()
    return out
  }

  /** Drops the replies collected so far. */
  clear(): void {
    this.#messages.length = 0
    this.#bytes = 0
  }
}
