/**
 * Parsers for Setting.parse: each returns the value or throws an Error saying what is allowed.
 * None clamps or falls back: a bad value is refused (STYLE.md principle 5).
 */

export function integer(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw)
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new Error(`an integer ${min}-${max}`)
    }
    return value
  }
}

export function oneOf<const T extends string>(allowed: readonly T[]): (raw: string) => T {
  return (raw) => {
    const value = raw.trim().toLowerCase()
    if (!(allowed as readonly string[]).includes(value)) {
      throw new Error(`one of ${allowed.join(', ')}`)
    }
    return value as T
  }
}

export function hostname(raw: string): string {
  const value = raw.trim()
  if (!/^[A-Za-z0-9.:_-]+$/.test(value) || value.length > 253) {
    throw new Error('a hostname or an IP address')
  }
  return value
}

const YES = ['1', 'true', 'yes', 'on']
const NO = ['0', 'false', 'no', 'off']

/** A switch's environment variable: CLIENT_JSON=1 as --json. */
export function yesNo(raw: string): boolean {
  const value = raw.trim().toLowerCase()
  if (YES.includes(value)) return true
  if (NO.includes(value)) return false
  throw new Error(`one of ${[...YES, ...NO].join(', ')}`)
}
