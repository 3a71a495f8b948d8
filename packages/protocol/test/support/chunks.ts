/**
 * Feeding a LineDecoder the way a socket would: the same bytes cut into chunks anywhere.
 */
import fc from 'fast-check'
import type { LineDecoder } from '../../src/line-decoder.ts'

/** `bytes` cut before each offset in `cuts` (offsets are taken modulo the length, in order). */
export function cutAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  if (bytes.length === 0) return [bytes]
  const offsets = [...new Set(cuts.map((cut) => cut % bytes.length))].sort((a, b) => a - b)
  const chunks: Buffer[] = []
  let start = 0
  for (const offset of offsets) {
    if (offset === start) continue
    chunks.push(bytes.subarray(start, offset))
    start = offset
  }
  chunks.push(bytes.subarray(start))
  return chunks
}

/** Every byte its own chunk. */
export function byteByByte(bytes: Buffer): Buffer[] {
  return [...bytes].map((byte) => Buffer.of(byte))
}

/** Writes every chunk, then ends: the messages as copies (the decoder hands out views). */
export function decodeChunks(decoder: LineDecoder, chunks: readonly Buffer[]): Buffer[] {
  const messages: Buffer[] = []
  for (const chunk of chunks) {
    decoder.write(chunk, (message) => {
      messages.push(Buffer.from(message))
      return true
    })
  }
  const last = decoder.end()
  if (last !== null) messages.push(Buffer.from(last))
  return messages
}

export function asText(messages: readonly Buffer[]): string[] {
  return messages.map((message) => message.toString('latin1'))
}

/** A byte other than LF, often one of those the decoder must not trip on (CR, NUL, UTF-8 parts). */
const messageByte = fc.oneof(
  fc.constantFrom(0x0d, 0x00, 0xc3, 0xa1, 0xe2, 0x82, 0xac, 0xff, 0x20, 0x61),
  fc.integer({ min: 0, max: 255 }).filter((byte) => byte !== 0x0a),
)

/** A message: any bytes but LF. */
export const messageBytes = (maxLength: number): fc.Arbitrary<Buffer> =>
  fc.array(messageByte, { maxLength }).map((bytes) => Buffer.from(bytes))

/**
 * A message with its line ending: LF, or CR LF when `withCR` or when the message itself ends with
 * a CR (a lone LF would then strip the message's own CR, and it would not come back as sent).
 */
export function framed(message: Buffer, withCR: boolean): Buffer {
  const ending = withCR || message.at(-1) === 0x0d ? '\r\n' : '\n'
  return Buffer.concat([message, Buffer.from(ending)])
}
