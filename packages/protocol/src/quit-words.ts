/**
 * The words that end a session (DESIGN.md): `sair`, the lab's word, and its aliases `exit` and
 * `quit`; case-insensitive, surrounding spaces ignored.
 */

export const QUIT_WORDS: readonly string[] = Object.freeze(['sair', 'exit', 'quit'])

const SPACE = 0x20
const TAB = 0x09
// Every message is checked, so the check reads bytes in place: no string, no copy. The words are
// ASCII letters, and `byte | 0x20` is a letter's lower case (and matches no byte other than the
// letter's two cases).
const WORD_BYTES = QUIT_WORDS.map((word) => Buffer.from(word.toLowerCase(), 'latin1'))
const LOWER_CASE_BIT = 0x20
const SHORTEST_WORD = Math.min(...WORD_BYTES.map((word) => word.length))
const LONGEST_WORD = Math.max(...WORD_BYTES.map((word) => word.length))

/** Whether `message` (without its line ending) asks to end the session. */
export function isQuitWord(message: Uint8Array): boolean {
  if (message.length < SHORTEST_WORD) return false
  let start = 0
  let end = message.length
  while (start < end && isBlank(message[start]!)) start++
  while (end > start && isBlank(message[end - 1]!)) end--
  // Most messages stop here, after a look at their first and last bytes: any padding is
  // allowed, and a long message is passed over without reading its middle.
  if (end - start < SHORTEST_WORD || end - start > LONGEST_WORD) return false
  for (const word of WORD_BYTES) {
    if (end - start === word.length && matchesIgnoringCase(message, start, word)) return true
  }
  return false
}

function isBlank(byte: number): boolean {
  return byte === SPACE || byte === TAB
}

function matchesIgnoringCase(message: Uint8Array, at: number, word: Uint8Array): boolean {
  for (let i = 0; i < word.length; i++) {
    if ((message[at + i]! | LOWER_CASE_BIT) !== word[i]) return false
  }
  return true
}
