import { thrown } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { EchoError } from '../src/errors.ts'
import { LineDecoder } from '../src/line-decoder.ts'
import { asText, byteByByte, decodeChunks } from './support/chunks.ts'

const LIMIT = 64 * 1024

function decode(chunks: readonly Buffer[], limit = LIMIT): string[] {
  return asText(decodeChunks(new LineDecoder(limit), chunks))
}

describe('LineDecoder chunkings', () => {
  it('decodes several messages that arrive in one chunk', () => {
    expect(decode([Buffer.from('one\ntwo\nthree\n')])).toEqual(['one', 'two', 'three'])
  })

  it('decodes the same messages fed byte by byte', () => {
    expect(decode(byteByByte(Buffer.from('one\ntwo\nthree\n')))).toEqual(['one', 'two', 'three'])
  })

  it('keeps a multi-byte character whole when a chunk ends inside it', () => {
    const line = Buffer.from('Olá, meu amigo Servidor\n')
    const insideA = line.indexOf(0xc3) + 1
    const messages = decodeChunks(new LineDecoder(LIMIT), [
      line.subarray(0, insideA),
      line.subarray(insideA),
    ])
    expect(messages).toEqual([Buffer.from('Olá, meu amigo Servidor')])
  })

  it('splits a thousand messages that arrive in one chunk, in order', () => {
    const sent = Array.from({ length: 1000 }, (_, i) => `message ${i}`)
    expect(decode([Buffer.from(sent.map((text) => `${text}\n`).join(''))])).toEqual(sent)
  })

  it('joins a message that spans many chunks', () => {
    expect(
      decode([Buffer.from('he'), Buffer.from('l'), Buffer.from('lo\nwor'), Buffer.from('ld\n')]),
    ).toEqual(['hello', 'world'])
  })

  it('drops one CR right before the LF', () => {
    expect(decode([Buffer.from('telnet\r\n')])).toEqual(['telnet'])
  })

  it('drops the CR when the LF comes in the next chunk', () => {
    expect(decode([Buffer.from('telnet\r'), Buffer.from('\n')])).toEqual(['telnet'])
  })

  it('keeps one CR of two before the LF', () => {
    expect(decode([Buffer.from('two\r\r\n')])).toEqual(['two\r'])
    expect(decode(byteByByte(Buffer.from('two\r\r\n')))).toEqual(['two\r'])
  })

  it('keeps a CR that is not right before the LF', () => {
    expect(decode([Buffer.from('a\rb\n')])).toEqual(['a\rb'])
  })

  it('decodes the empty message, with LF or with CR LF', () => {
    expect(decode([Buffer.from('\n\r\n\n')])).toEqual(['', '', ''])
  })

  it('passes NUL bytes through', () => {
    const messages = decodeChunks(new LineDecoder(LIMIT), [Buffer.from([0x61, 0x00, 0x62, 0x0a])])
    expect(messages).toEqual([Buffer.from([0x61, 0x00, 0x62])])
  })

  it('passes invalid UTF-8 through untouched', () => {
    const invalid = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82])
    const messages = decodeChunks(new LineDecoder(LIMIT), [
      Buffer.concat([invalid, Buffer.from('\n')]),
    ])
    expect(messages).toEqual([invalid])
  })
})

describe('LineDecoder end of stream', () => {
  it('yields a last message that had no LF', () => {
    expect(decode([Buffer.from('first\nlast')])).toEqual(['first', 'last'])
  })

  it('keeps the CR of a last message that had no LF', () => {
    expect(decode([Buffer.from('last\r')])).toEqual(['last\r'])
  })

  it('yields nothing when the stream ended right after a LF', () => {
    const decoder = new LineDecoder(LIMIT)
    decoder.write(Buffer.from('done\n'), () => true)
    expect(decoder.end()).toBeNull()
  })

  it('holds nothing after end', () => {
    const decoder = new LineDecoder(LIMIT)
    decoder.write(Buffer.from('pending'), () => true)
    expect(decoder.bufferedBytes).toBe(7)
    expect(decoder.end()).toEqual(Buffer.from('pending'))
    expect(decoder.bufferedBytes).toBe(0)
    expect(decoder.end()).toBeNull()
  })
})

describe('LineDecoder stopping early', () => {
  it('stops the chunk when onMessage returns false and keeps the rest for resume()', () => {
    const decoder = new LineDecoder(LIMIT)
    const seen: string[] = []
    const collect = (message: Buffer): boolean => {
      seen.push(message.toString())
      return message.toString() !== 'b'
    }
    expect(decoder.write(Buffer.from('a\nb\nc\npartial'), collect)).toBe(false)
    expect(seen).toEqual(['a', 'b'])
    expect(decoder.stopped).toBe(true)
    expect(decoder.bufferedBytes).toBe(0)
    expect(decoder.resume(collect)).toBe(true)
    expect(seen).toEqual(['a', 'b', 'c'])
    expect(decoder.stopped).toBe(false)
    expect(decoder.bufferedBytes).toBe(7)
  })

  it('stops on the message that was completed from held bytes', () => {
    const decoder = new LineDecoder(LIMIT)
    decoder.write(Buffer.from('sa'), () => true)
    const seen: string[] = []
    const finished = decoder.write(Buffer.from('ir\nnext\n'), (message) => {
      seen.push(message.toString())
      return false
    })
    expect(finished).toBe(false)
    expect(seen).toEqual(['sair'])
  })

  it('can stop after every message and still decode the whole chunk, in order', () => {
    const decoder = new LineDecoder(LIMIT)
    const seen: string[] = []
    const one = (message: Buffer): boolean => {
      seen.push(message.toString())
      return false
    }
    let finished = decoder.write(Buffer.from('1\n2\n3\n4'), one)
    while (!finished) finished = decoder.resume(one)
    expect(seen).toEqual(['1', '2', '3'])
    expect(decoder.end()).toEqual(Buffer.from('4'))
  })

  it('refuses a new chunk while a stopped one waits', () => {
    const decoder = new LineDecoder(LIMIT)
    decoder.write(Buffer.from('a\nb\n'), () => false)
    expect(() => decoder.write(Buffer.from('c\n'), () => true)).toThrow(/resume/)
  })

  it('returns true when every message of the chunk was taken', () => {
    const decoder = new LineDecoder(LIMIT)
    expect(decoder.write(Buffer.from('a\nb\n'), () => undefined)).toBe(true)
    expect(decoder.resume(() => true)).toBe(true)
  })
})

describe('LineDecoder memory for a partial message', () => {
  it('holds a message fed byte by byte in about its own size', () => {
    const decoder = new LineDecoder(LIMIT)
    for (const chunk of byteByByte(Buffer.alloc(20_000, 'x'))) decoder.write(chunk, () => true)
    expect(decoder.bufferedBytes).toBe(20_000)
    expect(decoder.retainedBytes).toBeLessThanOrEqual(2 * 20_000)
  })

  it('never keeps more than limit + 1 bytes of room', () => {
    const decoder = new LineDecoder(1000)
    for (const chunk of byteByByte(Buffer.alloc(1000, 'x'))) decoder.write(chunk, () => true)
    expect(decoder.retainedBytes).toBe(1001)
  })

  it('lets go of the buffer once the message is complete', () => {
    const decoder = new LineDecoder(LIMIT)
    const seen: Buffer[] = []
    decoder.write(Buffer.from('one'), () => true)
    decoder.write(Buffer.from(' two\nthr'), (message) => {
      seen.push(message)
      return true
    })
    decoder.write(Buffer.from('ee\n'), (message) => {
      seen.push(message)
      return true
    })
    expect(seen.map(String)).toEqual(['one two', 'three'])
    expect(decoder.retainedBytes).toBe(0)
  })
})

describe('LineDecoder size limit', () => {
  const limit = 8
  const atLimit = 'x'.repeat(limit)
  const overLimit = 'x'.repeat(limit + 1)

  it('accepts a message of exactly the limit, whole or byte by byte', () => {
    expect(decode([Buffer.from(`${atLimit}\n`)], limit)).toEqual([atLimit])
    expect(decode(byteByByte(Buffer.from(`${atLimit}\n`)), limit)).toEqual([atLimit])
  })

  it('accepts a message of exactly the limit ended by CR LF, whole or byte by byte', () => {
    expect(decode([Buffer.from(`${atLimit}\r\n`)], limit)).toEqual([atLimit])
    expect(decode(byteByByte(Buffer.from(`${atLimit}\r\n`)), limit)).toEqual([atLimit])
  })

  it('accepts a last message of exactly the limit that had no LF', () => {
    expect(decode([Buffer.from(atLimit)], limit)).toEqual([atLimit])
  })

  it('refuses a message one byte over the limit with ECHO_ERR_MESSAGE_TOO_LONG', () => {
    const error = thrown(EchoError, () => decode([Buffer.from(`${overLimit}\n`)], limit))
    expect(error.code).toBe('ECHO_ERR_MESSAGE_TOO_LONG')
    expect(error.wireLine).toEqual(Buffer.from('Error: message too long (limit 8 bytes)\n'))
  })

  it('refuses a message one byte over the limit even when it ends with CR LF', () => {
    const error = thrown(EchoError, () => decode([Buffer.from(`${overLimit}\r\n`)], limit))
    expect(error.code).toBe('ECHO_ERR_MESSAGE_TOO_LONG')
  })

  it('refuses as soon as the byte past the limit arrives, before any LF', () => {
    const decoder = new LineDecoder(limit)
    for (const chunk of byteByByte(Buffer.from(atLimit))) decoder.write(chunk, () => true)
    expect(decoder.bufferedBytes).toBe(limit)
    const error = thrown(EchoError, () => decoder.write(Buffer.from('x'), () => true))
    expect(error.code).toBe('ECHO_ERR_MESSAGE_TOO_LONG')
    expect(decoder.bufferedBytes).toBe(0)
  })

  it('holds at most limit + 1 bytes while a CR may still be followed by LF', () => {
    const decoder = new LineDecoder(limit)
    decoder.write(Buffer.from(`${atLimit}\r`), () => true)
    expect(decoder.bufferedBytes).toBe(limit + 1)
    const error = thrown(EchoError, () => decoder.write(Buffer.from('y'), () => true))
    expect(error.code).toBe('ECHO_ERR_MESSAGE_TOO_LONG')
    expect(decoder.bufferedBytes).toBe(0)
  })

  it('refuses a last message of the limit plus a CR, since without a LF the CR is part of it', () => {
    const decoder = new LineDecoder(limit)
    decoder.write(Buffer.from(`${atLimit}\r`), () => true)
    expect(thrown(EchoError, () => decoder.end()).code).toBe('ECHO_ERR_MESSAGE_TOO_LONG')
  })

  it('refuses a long run of bytes without a LF in the chunk that passes the limit', () => {
    const decoder = new LineDecoder(limit)
    decoder.write(Buffer.from('xxxx'), () => true)
    const error = thrown(EchoError, () => decoder.write(Buffer.alloc(1000, 'x'), () => true))
    expect(error.code).toBe('ECHO_ERR_MESSAGE_TOO_LONG')
    expect(decoder.bufferedBytes).toBe(0)
  })

  it('answers the messages before an oversize one in the same chunk, then refuses', () => {
    const decoder = new LineDecoder(limit)
    const seen: string[] = []
    const error = thrown(EchoError, () =>
      decoder.write(Buffer.from(`short\n${overLimit}\nnever\n`), (message) => {
        seen.push(message.toString())
        return true
      }),
    )
    expect(error.code).toBe('ECHO_ERR_MESSAGE_TOO_LONG')
    expect(seen).toEqual(['short'])
  })

  it('never holds more than limit + 1 bytes, whatever the chunking', () => {
    const stream = Buffer.from(`${'y'.repeat(limit)}\r${'z'.repeat(3 * limit)}`)
    for (const size of [1, 2, 3, 5, 7]) {
      const decoder = new LineDecoder(limit)
      let failed = false
      for (let at = 0; at < stream.length && !failed; at += size) {
        try {
          decoder.write(stream.subarray(at, at + size), () => true)
        } catch (error) {
          expect((error as EchoError).code).toBe('ECHO_ERR_MESSAGE_TOO_LONG')
          failed = true
        }
        expect(decoder.bufferedBytes).toBeLessThanOrEqual(limit + 1)
      }
      expect(failed, `chunks of ${size} bytes`).toBe(true)
    }
  })
})
