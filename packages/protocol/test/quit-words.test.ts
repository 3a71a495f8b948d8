import { describe, expect, it } from 'vitest'
import { isQuitWord } from '../src/quit-words.ts'

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
})
