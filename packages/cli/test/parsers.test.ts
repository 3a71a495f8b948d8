import { describe, expect, it } from 'vitest'
import { hostname, integer, oneOf, yesNo } from '../src/index.ts'

/** What a parser's Error says is allowed, when it refuses `raw`. */
function allowed(parse: (raw: string) => unknown, raw: string): string {
  try {
    parse(raw)
  } catch (error) {
    expect(error).toBeInstanceOf(Error)
    return (error as Error).message
  }
  throw new Error(`'${raw}' was accepted`)
}

describe('parsers', () => {
  it('integer takes whole numbers in its range only, surrounding spaces aside', () => {
    const port = integer(1, 65535)
    expect(port('1')).toBe(1)
    expect(port(' 65535 ')).toBe(65535)
    for (const raw of ['0', '65536', '-1', '80.5', '1e3', '0x50', '', ' ', 'abc', '9'.repeat(20)]) {
      expect(allowed(port, raw)).toBe('an integer 1-65535')
    }
  })

  it('oneOf takes a listed word in any case and returns it in lower case', () => {
    const level = oneOf(['info', 'debug'])
    expect(level(' DEBUG ')).toBe('debug')
    expect(allowed(level, 'verbose')).toBe('one of info, debug')
  })

  it('hostname takes names and IPv4/IPv6 addresses, nothing with spaces or controls', () => {
    for (const raw of ['localhost', 'server', '10.0.0.1', '::1', 'fe80::1', 'a-b_c.example']) {
      expect(hostname(raw)).toBe(raw)
    }
    for (const raw of ['', 'a b', 'a\nb', 'a/b', 'x'.repeat(254)]) {
      expect(allowed(hostname, raw)).toBe('a hostname or an IP address')
    }
  })

  it('yesNo reads the usual spellings of a switch', () => {
    for (const raw of ['1', 'true', 'YES', 'on']) expect(yesNo(raw)).toBe(true)
    for (const raw of ['0', 'false', 'No', 'off']) expect(yesNo(raw)).toBe(false)
    expect(allowed(yesNo, 'maybe')).toBe('one of 1, true, yes, on, 0, false, no, off')
  })
})
