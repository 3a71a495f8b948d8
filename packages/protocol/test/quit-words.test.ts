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

  it('ignores any amount of padding, and reads no further into a long message than its ends', () => {
    expect(quits(`${' '.repeat(3000)}sair${'\t'.repeat(3000)}`)).toBe(true)
    expect(quits(`${' '.repeat(3000)}sair!${' '.repeat(3000)}`)).toBe(false)
    expect(quits(`s${'x'.repeat(1_000_000)}r`)).toBe(false)
  })

  it('agrees with the plain reading (trim spaces and tabs, lower-case, compare) on any bytes', () => {
    const plain = (bytes: Uint8Array): boolean =>
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
        fc.array(fc.constantFrom(0x20, 0x09), { maxLength: 100 }),
        fc.constantFrom(...QUIT_WORDS),
        fc.array(fc.constantFrom(0x20, 0x09), { maxLength: 100 }),
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
