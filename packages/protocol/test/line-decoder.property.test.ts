import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EchoError } from '../src/errors.ts'
import { LineDecoder } from '../src/line-decoder.ts'
import { ReplyBatch } from '../src/replies.ts'
import { cutAt, decodeChunks, framed, messageBytes } from './support/chunks.ts'

const RUNS = { numRuns: 300 }

/** A sequence of messages as a client sends them, with an optional last one that has no LF. */
const conversation = fc.record({
  messages: fc.array(fc.record({ bytes: messageBytes(40), withCR: fc.boolean() }), {
    maxLength: 20,
  }),
  unterminated: messageBytes(10),
  cuts: fc.array(fc.nat(), { maxLength: 30 }),
})

function wireBytes(
  messages: readonly { bytes: Buffer; withCR: boolean }[],
  unterminated: Buffer,
): Buffer {
  return Buffer.concat([
    ...messages.map(({ bytes, withCR }) => framed(bytes, withCR)),
    unterminated,
  ])
}

function expectedMessages(messages: readonly { bytes: Buffer }[], unterminated: Buffer): Buffer[] {
  const sent = messages.map(({ bytes }) => bytes)
  return unterminated.length > 0 ? [...sent, unterminated] : sent
}

describe('LineDecoder under any split (property)', () => {
  it('decodes any split of any sequence of messages to the messages that were sent', () => {
    fc.assert(
      fc.property(conversation, ({ messages, unterminated, cuts }) => {
        const chunks = cutAt(wireBytes(messages, unterminated), cuts)
        const decoded = decodeChunks(new LineDecoder(64), chunks)
        expect(decoded).toEqual(expectedMessages(messages, unterminated))
      }),
      RUNS,
    )
  })

  it('answers any split with exactly the bytes of one reply per message, in order', () => {
    fc.assert(
      fc.property(conversation, ({ messages, unterminated, cuts }) => {
        const decoder = new LineDecoder(64)
        const replies: Buffer[] = []
        // As the session does: the replies to one chunk leave together in one batch.
        const batch = new ReplyBatch()
        for (const chunk of cutAt(wireBytes(messages, unterminated), cuts)) {
          decoder.write(chunk, (message) => {
            batch.add(message)
            return true
          })
          if (!batch.isEmpty) replies.push(batch.take())
        }
        const last = decoder.end()
        if (last !== null) batch.add(last)
        if (!batch.isEmpty) replies.push(batch.take())

        const expected = Buffer.concat(
          expectedMessages(messages, unterminated).map((message) =>
            Buffer.concat([Buffer.from('Echo: '), message, Buffer.from('\n')]),
          ),
        )
        expect(Buffer.concat(replies)).toEqual(expected)
      }),
      RUNS,
    )
  })

  it('refuses at the first oversize message under any split, after the ones before it, holding at most limit + 1 bytes', () => {
    const limit = 6
    fc.assert(
      fc.property(
        fc.array(fc.record({ bytes: messageBytes(limit + 3), withCR: fc.boolean() }), {
          maxLength: 12,
        }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (messages, cuts) => {
          const firstTooLong = messages.findIndex(({ bytes }) => bytes.length > limit)
          const decoder = new LineDecoder(limit)
          const decoded: Buffer[] = []
          let refused: EchoError | undefined
          for (const chunk of cutAt(wireBytes(messages, Buffer.alloc(0)), cuts)) {
            try {
              decoder.write(chunk, (message) => {
                decoded.push(Buffer.from(message))
                return true
              })
            } catch (error) {
              refused = error as EchoError
              break
            }
            expect(decoder.bufferedBytes).toBeLessThanOrEqual(limit + 1)
          }
          if (firstTooLong === -1) {
            expect(refused).toBeUndefined()
            expect(decoded).toEqual(messages.map(({ bytes }) => bytes))
          } else {
            expect(refused?.code).toBe('ECHO_ERR_MESSAGE_TOO_LONG')
            expect(decoded).toEqual(messages.slice(0, firstTooLong).map(({ bytes }) => bytes))
          }
        },
      ),
      RUNS,
    )
  })
})
