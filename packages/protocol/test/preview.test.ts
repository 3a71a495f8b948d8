import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PREVIEW_CHARS, preview } from '../src/preview.ts'

describe('message previews', () => {
  it('shows a short message as its text', () => {
    expect(preview(Buffer.from('Olá, meu amigo Servidor'))).toBe('Olá, meu amigo Servidor')
  })

  it('escapes control characters and keeps tabs', () => {
    expect(preview(Buffer.from('a\0b\x1b[31m\r\n\x7f\tz'))).toBe(
      'a\\x00b\\x1b[31m\\x0d\\x0a\\x7f\tz',
    )
  })

  it('escapes C1 controls, NEL, the line and paragraph separators and bidi controls', () => {
    const sneaky = Buffer.from('a\u009b31m\u0085b\u2028c\u2029d\u202eevil\u2066\u200fe')
    expect(preview(sneaky)).toBe('a\\x9b31m\\x85b\\u2028c\\u2029d\\u202eevil\\u2066\\u200fe')
  })

  it('keeps other non-ASCII text, emoji joiners included', () => {
    expect(preview(Buffer.from('Olá 👩\u200d💻 日本'))).toBe('Olá 👩\u200d💻 日本')
  })

  it('shows invalid UTF-8 as U+FFFD', () => {
    expect(preview(Buffer.from([0x61, 0xff, 0x62]))).toBe('a\uFFFDb')
  })

  it('shows a message of exactly the bound whole', () => {
    const text = 'x'.repeat(PREVIEW_CHARS)
    expect(preview(Buffer.from(text))).toBe(text)
  })

  it('cuts a long message at the bound and says how long it was', () => {
    expect(preview(Buffer.from('x'.repeat(1000)))).toBe(`${'x'.repeat(80)}… (1000 bytes)`)
  })

  it('counts characters, not bytes, when cutting', () => {
    expect(preview(Buffer.from('á'.repeat(10)), 4)).toBe('áááá… (20 bytes)')
  })

  it('previews a view into a larger buffer from its own offset', () => {
    expect(preview(Buffer.from('skip:shown').subarray(5))).toBe('shown')
  })

  it('stays bounded and printable for any bytes (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.integer({ min: 1, max: 100 }),
        (bytes, max) => {
          const shown = preview(bytes, max)
          const suffix = ` (${bytes.length} bytes)`
          expect([...shown].length).toBeLessThanOrEqual(max + 1 + suffix.length)
          expect(shown).not.toMatch(/(?!\t)[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u)
        },
      ),
    )
  })

  it('leaves nothing unsafe in any UTF-8 text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const shown = preview(Buffer.from(text), 1000)
        expect(shown).not.toMatch(/(?!\t)[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u)
      }),
    )
  })
})
