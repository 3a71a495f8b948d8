/**
 * A streaming line decoder: bytes in, messages out. It knows nothing of sockets, timers or logs.
 *
 * DESIGN.md: a message is a run of bytes ended by LF; one CR right before the LF is dropped;
 * bytes are opaque. A message over the limit is never buffered whole: the decoder throws
 * `ECHO_ERR_MESSAGE_TOO_LONG` as soon as the limit is passed, holding at most limit + 1 bytes.
 * `end()` is the end-of-stream step that yields a last message that had no LF.
 *
 * A client reading replies keeps the CR (`keepCR`): it checks each reply byte for byte, and
 * `Echo: abc\r` is the right reply to the message `abc\r` (sent as `abc\r\r\n`). Then the limit
 * is on the whole line, CR included.
 *
 * The caller bounds the work done per chunk: `onMessage` returning false stops decoding right
 * after that message, the rest of the chunk is kept (a view, not a copy), and `resume()` decodes
 * it once the caller is ready, say when the replies owed so far have been written out.
 */
import { EchoError } from './errors.ts'

const LF = 0x0a
const CR = 0x0d

// The first buffer for a partial message: room for a line a person types without growing, small
// enough that thousands of idle connections with a few bytes each cost little.
const FIRST_HELD_BYTES = 256

/** Return `false` to stop decoding after this message; `resume()` goes on with the rest. */
type MessageHandler = (message: Buffer) => boolean | undefined

interface LineDecoderOptions {
  /** Keep a CR before the LF as part of the line (default: drop it, as the protocol says). */
  keepCR?: boolean
}

export class LineDecoder {
  readonly maxMessageBytes: number
  readonly #keepCR: boolean
  // The start of a message whose LF has not arrived yet, in one buffer that doubles as it fills
  // (never past limit + 1): a message that arrives byte by byte costs about its size, not one
  // Buffer object per byte. Allocated on its own (not from Node's shared pool) so that it is all
  // a connection keeps, and dropped once the message is complete.
  #held: Buffer | null = null
  #heldBytes = 0
  // What follows the message at which `onMessage` stopped, until `resume()`.
  #rest: Buffer | null = null

  constructor(maxMessageBytes: number, { keepCR = false }: LineDecoderOptions = {}) {
    this.maxMessageBytes = maxMessageBytes
    this.#keepCR = keepCR
  }

  /** Bytes held for a message still waiting for its LF. */
  get bufferedBytes(): number {
    return this.#heldBytes
  }

  /** Memory held for that message: at most twice its size, and never over limit + 1 bytes. */
  get retainedBytes(): number {
    return this.#held?.length ?? 0
  }

  /** Whether decoding stopped inside a chunk and its rest waits for `resume()`. */
  get stopped(): boolean {
    return this.#rest !== null
  }

  /**
   * Decodes `chunk`, calling `onMessage` for each complete message in order. Messages are views
   * into the chunk (or a buffer of their own when one spans chunks): use them before the chunk is
   * reused. Returns false if `onMessage` stopped it: the rest of the chunk waits for `resume()`.
   * Throws EchoError(MESSAGE_TOO_LONG) once a message is known to be over the limit.
   */
  write(chunk: Buffer, onMessage: MessageHandler): boolean {
    if (this.#rest !== null) throw new Error('LineDecoder: resume() the stopped chunk first')
    return this.#decode(chunk, onMessage)
  }

  /** Decodes what was left of a stopped chunk; same contract as `write`. */
  resume(onMessage: MessageHandler): boolean {
    const rest = this.#rest
    if (rest === null) return true
    this.#rest = null
    return this.#decode(rest, onMessage)
  }

  /**
   * End of stream: the last message if it had no LF, or null. A trailing CR stays: the rule is
   * "one CR right before the LF", and this message has no LF.
   */
  end(): Buffer | null {
    if (this.#heldBytes === 0) return null
    return this.#checked(this.#takeHeld())
  }

  #decode(chunk: Buffer, onMessage: MessageHandler): boolean {
    let start = 0
    let lf = chunk.indexOf(LF)
    while (lf !== -1) {
      const line = chunk.subarray(start, lf)
      const message = this.#heldBytes > 0 ? this.#takeHeld(line) : line
      start = lf + 1
      if (onMessage(this.#checked(this.#keepCR ? message : stripCR(message))) === false) {
        if (start < chunk.length) this.#rest = chunk.subarray(start)
        return false
      }
      lf = nextLF(chunk, start)
    }
    if (start < chunk.length) this.#hold(chunk.subarray(start))
    return true
  }

  #hold(bytes: Buffer): void {
    const held = this.#heldBytes + bytes.length
    // limit + 1 bytes may still be a message of exactly `limit` bytes followed by CR LF.
    const limit = this.maxMessageBytes
    if (held > limit + 1 || (held === limit + 1 && (this.#keepCR || bytes.at(-1) !== CR))) {
      this.#fail()
    }
    this.#append(bytes)
  }

  #takeHeld(tail?: Buffer): Buffer {
    // A tail that takes the message past limit + 1 bytes is refused before it is copied.
    if (tail !== undefined) {
      if (this.#heldBytes + tail.length > this.maxMessageBytes + 1) this.#fail()
      this.#append(tail)
    }
    const message = (this.#held as Buffer).subarray(0, this.#heldBytes)
    // The message keeps the buffer; the next partial message starts a new one.
    this.#held = null
    this.#heldBytes = 0
    return message
  }

  #append(bytes: Buffer): void {
    const needed = this.#heldBytes + bytes.length
    const held = this.#held
    if (held === null || needed > held.length) {
      const room = Math.max(needed, 2 * (held?.length ?? 0), FIRST_HELD_BYTES)
      const grown = Buffer.allocUnsafeSlow(Math.min(room, this.maxMessageBytes + 1))
      held?.copy(grown, 0, 0, this.#heldBytes)
      this.#held = grown
    }
    ;(this.#held as Buffer).set(bytes, this.#heldBytes)
    this.#heldBytes = needed
  }

  #checked(message: Buffer): Buffer {
    if (message.length > this.maxMessageBytes) this.#fail()
    return message
  }

  #fail(): never {
    this.#held = null
    this.#heldBytes = 0
    this.#rest = null
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
