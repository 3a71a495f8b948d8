/**
 * A streaming line decoder: bytes in, messages out. It knows nothing of sockets, timers or logs.
 *
 * DESIGN.md: a message is a run of bytes ended by LF; one CR right before the LF is dropped;
 * bytes are opaque. A message over the limit is never buffered whole: the decoder throws
 * `ECHO_ERR_MESSAGE_TOO_LONG` as soon as the limit is passed, holding at most limit + 1 bytes.
 * `end()` is the end-of-stream step that yields a last message that had no LF.
 */
import { EchoError } from './errors.ts'

const LF = 0x0a
const CR = 0x0d

/** Return `false` to stop decoding the rest of the chunk (the session saw a quit word). */
export type MessageHandler = (message: Buffer) => boolean | undefined

export class LineDecoder {
  readonly maxMessageBytes: number
  // The start of a message whose LF has not arrived yet, as copies of the pieces it came in: an
  // idle connection holds only its own bytes, not the read buffers they arrived in, and a message
  // fed byte by byte costs one copy per byte rather than one per byte per byte.
  #pieces: Buffer[] = []
  #heldBytes = 0

  constructor(maxMessageBytes: number) {
    this.maxMessageBytes = maxMessageBytes
  }

  /** Bytes held for a message still waiting for its LF. */
  get bufferedBytes(): number {
    return this.#heldBytes
  }

  /**
   * Decodes `chunk`, calling `onMessage` for each complete message in order. Messages are views
   * into the chunk (or a fresh buffer when one spans chunks): use them before the next `write`.
   * Returns false if `onMessage` stopped it; the undecoded rest of the chunk is then dropped.
   * Throws EchoError(MESSAGE_TOO_LONG) once a message is known to be over the limit.
   */
  write(chunk: Buffer, onMessage: MessageHandler): boolean {
    let start = 0
    let lf = chunk.indexOf(LF)
    if (this.#heldBytes > 0 && lf !== -1) {
      const message = this.#takeHeld(chunk.subarray(0, lf))
      start = lf + 1
      if (onMessage(this.#checked(stripCR(message))) === false) return false
      lf = nextLF(chunk, start)
    }
    while (lf !== -1) {
      const message = stripCR(chunk.subarray(start, lf))
      start = lf + 1
      if (onMessage(this.#checked(message)) === false) return false
      lf = nextLF(chunk, start)
    }
    if (start < chunk.length) this.#hold(chunk.subarray(start))
    return true
  }

  /**
   * End of stream: the last message if it had no LF, or null. A trailing CR stays: the rule is
   * "one CR right before the LF", and this message has no LF.
   */
  end(): Buffer | null {
    if (this.#heldBytes === 0) return null
    return this.#checked(this.#takeHeld())
  }

  #hold(rest: Buffer): void {
    this.#pieces.push(Buffer.from(rest))
    this.#heldBytes += rest.length
    // limit + 1 bytes may still be a message of exactly `limit` bytes followed by CR LF.
    const limit = this.maxMessageBytes
    const overLimit =
      this.#heldBytes > limit + 1 || (this.#heldBytes === limit + 1 && rest.at(-1) !== CR)
    if (overLimit) this.#fail()
  }

  #takeHeld(tail?: Buffer): Buffer {
    const pieces = tail === undefined ? this.#pieces : [...this.#pieces, tail]
    const message = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces)
    this.#pieces = []
    this.#heldBytes = 0
    return message
  }

  #checked(message: Buffer): Buffer {
    if (message.length > this.maxMessageBytes) this.#fail()
    return message
  }

  #fail(): never {
    this.#pieces = []
    this.#heldBytes = 0
    throw EchoError.messageTooLong(this.maxMessageBytes)
  }
}

// A chunk usually ends with a LF: not looking past it saves a native call per read.
function nextLF(chunk: Buffer, from: number): number {
  return from < chunk.length ? chunk.indexOf(LF, from) : -1
}

function stripCR(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line
}
