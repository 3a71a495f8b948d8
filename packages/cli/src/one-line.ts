/**
 * A value as an error line shows it: quoted, every control, separator and format character
 * escaped (a newline in a value must not make the error two lines, nor a bidi override turn it
 * around), and cut short when long, since a person needs to recognise it, not read it all.
 */

const MOST_SHOWN = 80
// C0 and C1 controls, DEL, line and paragraph separators, and format characters (bidi overrides,
// zero-width joiners): anything that moves the cursor or changes how the rest reads.
const UNSEEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\\']/gu
const NAMED: Record<string, string> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\\': '\\\\',
  "'": "\\'",
}

export function quoted(raw: string): string {
  const characters = [...raw]
  const shown =
    characters.length > MOST_SHOWN ? `${characters.slice(0, MOST_SHOWN).join('')}…` : raw
  return `'${shown.replace(UNSEEN, escaped)}'`
}

const CONTROLS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu

/** `raw` with its control, separator and format characters escaped, nothing else changed. */
export function visible(raw: string): string {
  return raw.replace(CONTROLS, escaped)
}

function escaped(character: string): string {
  return NAMED[character] ?? `\\u{${character.codePointAt(0)!.toString(16)}}`
}
