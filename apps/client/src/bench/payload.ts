/**
 * The bench's messages: each carries its sequence number, so a reply that is right in shape but
 * belongs to another message is still caught. Built in place into reused buffers: the load
 * generator must not be the bottleneck it measures.
 */
import { ECHO_PREFIX } from '@echolab/protocol'

/** Digits of the sequence number at the start of a payload (fewer if the payload is shorter). */
const SEQUENCE_DIGITS = 10
const FILLER = Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ')
const LF = 0x0a

export class Payloads {
  readonly payloadBytes: number
  readonly #digits: number
  readonly #modulus: number
  /** `Echo: ` + a payload; the sequence digits are rewritten for each reply checked. */
  readonly #expected: Buffer

  constructor(payloadBytes: number) {
    this.payloadBytes = payloadBytes
    this.#digits = Math.min(SEQUENCE_DIGITS, payloadBytes)
    this.#modulus = 10 ** this.#digits
    this.#expected = Buffer.allocUnsafe(ECHO_PREFIX.length + payloadBytes)
    ECHO_PREFIX.copy(this.#expected)
    fill(this.#expected, ECHO_PREFIX.length, payloadBytes)
  }

  /** Bytes on the wire for one message (payload + LF) and for its reply (`Echo: ` + payload + LF). */
  get messageWireBytes(): number {
    return this.payloadBytes + 1
  }

  get replyWireBytes(): number {
    return ECHO_PREFIX.length + this.payloadBytes + 1
  }

  /** Messages `first` .. `first + count - 1`, each with its LF, in one buffer. */
  messages(first: number, count: number): Buffer {
    const size = this.messageWireBytes
    const out = Buffer.allocUnsafe(size * count)
    for (let i = 0; i < count; i++) {
      const at = i * size
      fill(out, at, this.payloadBytes)
      this.#writeSequence(out, at, first + i)
      out[at + this.payloadBytes] = LF
    }
    return out
  }

  /** Whether `line` (without its LF) is exactly the reply to message `sequence`. */
  isReplyTo(line: Buffer, sequence: number): boolean {
    this.#writeSequence(this.#expected, ECHO_PREFIX.length, sequence)
    return line.equals(this.#expected)
  }

  #writeSequence(target: Buffer, at: number, sequence: number): void {
    let value = sequence % this.#modulus
    for (let i = this.#digits - 1; i >= 0; i--) {
      target[at + i] = 0x30 + (value % 10)
      value = Math.floor(value / 10)
    }
  }
}

function fill(target: Buffer, at: number, length: number): void {
  for (let i = 0; i < length; i += FILLER.length) {
    FILLER.copy(target, at + i, 0, Math.min(FILLER.length, length - i))
  }
}
