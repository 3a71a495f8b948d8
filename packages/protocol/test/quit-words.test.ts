import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isQuitWord, QUIT_WORDS } from '../src/quit-words.ts'

const quits = (text: string): boolean => isQuitWord(Buffer.from(text))

describe('quit words', () => {
  it.each(['sair', 'exit', 'quit'])('%s ends the session', (word) => {
    expect(quits(word)).toBe(true)
  })

  it.each(['SAIR', 'Sair', 'sAiR', 'EXIT', 'Quit'])('%s ends it in any case', (word) => {
    expect(quits(word)).toBe(true)
  })

  it.each([' sair', 'sair ', '  sair  ', '\tsair', 'quit\t', ' \t exit \t '])(
    '%j ends it: surrounding spaces and tabs are ignored',
    (word) => {
      expect(quits(word)).toBe(true)
    },
  )

  it.each(['sairx', 'xsair', 's air', 'sai', 'sair sair', 'Echo: sair', 'exit!', '', 'sa\0ir'])(
    '%j is an ordinary message',
    (text) => {
      expect(quits(text)).toBe(false)
    },
  )

  it('reads a view into a larger buffer at its own offset', () => {
    const chunk = Buffer.from('hello\nsair\n')
    expect(isQuitWord(chunk.subarray(6, 10))).toBe(true)
    expect(isQuitWord(chunk.subarray(0, 5))).toBe(false)
  })

  it('looks no further than 64 bytes: a quit word padded past that is an ordinary message', () => {
    expect(quits(`${' '.repeat(30)}sair${' '.repeat(30)}`)).toBe(true)
    expect(quits(`${' '.repeat(30)}sair${' '.repeat(31)}`)).toBe(false)
  })

  it('agrees with the plain reading (trim spaces and tabs, lower-case, compare) on any bytes', () => {
    const plain = (bytes: Uint8Array): boolean =>
      bytes.length <= 64 &&
      QUIT_WORDS.includes(
        Buffer.from(bytes)
          .toString('latin1')
          .replace(/^[ \t]+|[ \t]+$/g, '')
          .toLowerCase(),
      )
    // Bytes near the words: their letters in both cases, blanks, controls and high bytes.
    const byte = fc.constantFrom(...Buffer.from('sairSAIRexitEXITquitQUIT \t\r\0\x13\xd3\xf3\xff'))
    const padded = fc
      .tuple(
        fc.array(fc.constantFrom(0x20, 0x09), { maxLength: 40 }),
        fc.constantFrom(...QUIT_WORDS),
        fc.array(fc.constantFrom(0x20, 0x09), { maxLength: 40 }),
      )
      .map(([before, word, after]) => Uint8Array.from([...before, ...Buffer.from(word), ...after]))
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 70 }),
          fc.array(byte, { maxLength: 8 }).map((b) => Uint8Array.from(b)),
          padded,
        ),
        (bytes) => {
          expect(isQuitWord(bytes)).toBe(plain(bytes))
        },
      ),
      { numRuns: 5_000 },
    )
  })
})
