/**
 * The decoder as the client reads replies with it (`keepCR`): a CR before the LF stays, since
 * `Echo: abc\r` is the right reply to the message `abc\r`, and the limit covers the whole line.
 */
import { describe, expect, it } from 'vitest'
import { EchoError, ErrorCode } from '../src/errors.ts'
import { LineDecoder } from '../src/line-decoder.ts'
import { byteByByte, decodeChunks } from './support/chunks.ts'

/** The lines of `chunks` as latin1 text; a last line without LF is marked `<no LF>`. */
function lines(chunks: readonly Buffer[], maxLineBytes = 100): string[] {
  const decoder = new LineDecoder(maxLineBytes, { keepCR: true })
  const decoded = decodeChunks(decoder, chunks).map((line) => line.toString('latin1'))
  const whole = Buffer.concat(chunks)
  if (whole.length > 0 && whole.at(-1) !== 0x0a) decoded.push(`${decoded.pop()}<no LF>`)
  return decoded
}

function tooLong(chunks: readonly Buffer[], maxLineBytes: number): EchoError {
  try {
    lines(chunks, maxLineBytes)
  } catch (error) {
    expect(error).toBeInstanceOf(EchoError)
    return error as EchoError
  }
  throw new Error('the line was accepted')
}

describe('LineDecoder keeping the CR', () => {
  it('gives the same lines for any chunking, and keeps a CR before the LF', () => {
    const bytes = Buffer.from('Echo: a\r\nEcho: \nEcho: bc\nrest')
    const expected = ['Echo: a\r', 'Echo: ', 'Echo: bc', 'rest<no LF>']
    expect(lines([bytes])).toEqual(expected)
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(lines([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected)
    }
    expect(lines(byteByByte(bytes))).toEqual(expected)
  })

  it('refuses a line over its cap, CR included, whether or not its LF has come', () => {
    expect(tooLong([Buffer.from('12345\n')], 4).code).toBe(ErrorCode.MESSAGE_TOO_LONG)
    expect(tooLong([Buffer.from('123'), Buffer.from('45')], 4).code).toBe(
      ErrorCode.MESSAGE_TOO_LONG,
    )
    expect(tooLong([Buffer.from('1234\r\n')], 4).code).toBe(ErrorCode.MESSAGE_TOO_LONG)
    expect(tooLong([Buffer.from('1234'), Buffer.from('\r')], 4).code).toBe(
      ErrorCode.MESSAGE_TOO_LONG,
    )
    expect(lines([Buffer.from('1234\n')], 4)).toEqual(['1234'])
    expect(lines([Buffer.from('123\r\n')], 4)).toEqual(['123\r'])
  })

  it('drops the CR by default, as the protocol says', () => {
    expect(decodeChunks(new LineDecoder(100), [Buffer.from('a\r\n')])).toEqual([Buffer.from('a')])
  })
})
