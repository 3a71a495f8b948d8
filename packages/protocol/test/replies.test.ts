import { describe, expect, it } from 'vitest'
import { ReplyBatch, replyLength, writeEchoReply } from '../src/replies.ts'

/** The reply the server sends to one message: a batch of one. */
function echoReply(message: Buffer): Buffer {
  const batch = new ReplyBatch()
  batch.add(message)
  return batch.take()
}

describe('echo replies', () => {
  it('answers a message with Echo:, the message bytes and a LF', () => {
    expect(echoReply(Buffer.from('Olá, meu amigo Servidor'))).toEqual(
      Buffer.from('Echo: Olá, meu amigo Servidor\n'),
    )
  })

  it('answers the empty message too', () => {
    expect(echoReply(Buffer.alloc(0))).toEqual(Buffer.from('Echo: \n'))
  })

  it('sends the bytes back untouched, NUL and invalid UTF-8 included', () => {
    const message = Buffer.from([0x00, 0xff, 0xc3, 0x0d])
    expect(echoReply(message)).toEqual(
      Buffer.concat([Buffer.from('Echo: '), message, Buffer.from('\n')]),
    )
  })

  it('counts the prefix and the LF in the reply length', () => {
    expect(replyLength(0)).toBe(7)
    expect(replyLength(5)).toBe(12)
  })

  it('writes a reply at an offset and returns where it ends', () => {
    const target = Buffer.alloc(12, '.')
    expect(writeEchoReply(target, 2, Buffer.from('hi'))).toBe(11)
    expect(target).toEqual(Buffer.from('..Echo: hi\n.'))
  })
})

describe('ReplyBatch', () => {
  it('starts empty', () => {
    expect(new ReplyBatch().isEmpty).toBe(true)
  })

  it('gives the replies to its messages as one buffer, in order', () => {
    const batch = new ReplyBatch()
    batch.add(Buffer.from('one'))
    batch.add(Buffer.from(''))
    batch.add(Buffer.from('três'))
    expect(batch.isEmpty).toBe(false)
    expect(batch.take()).toEqual(Buffer.from('Echo: one\nEcho: \nEcho: três\n'))
  })

  it('is empty again once taken', () => {
    const batch = new ReplyBatch()
    batch.add(Buffer.from('one'))
    batch.take()
    expect(batch.isEmpty).toBe(true)
    batch.add(Buffer.from('two'))
    expect(batch.take()).toEqual(Buffer.from('Echo: two\n'))
  })

  it('drops what it collected when cleared', () => {
    const batch = new ReplyBatch()
    batch.add(Buffer.from('one'))
    batch.clear()
    expect(batch.isEmpty).toBe(true)
    expect(batch.byteLength).toBe(0)
    batch.add(Buffer.from('two'))
    expect(batch.take()).toEqual(Buffer.from('Echo: two\n'))
  })
})
