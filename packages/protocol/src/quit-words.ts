/**
 * The words that end a session (DESIGN.md): `sair`, the lab's word, and its aliases `exit` and
 * `quit`; case-insensitive, surrounding spaces ignored.
 */

export const QUIT_WORDS: readonly string[] = Object.freeze(['sair', 'exit', 'quit'])

// Longest message worth decoding to compare: a quit word with generous padding. Anything longer
// is answered without ever being turned into a string.
const MAX_QUIT_MESSAGE_BYTES = 64
const SURROUNDING_SPACES = /^[ \t]+|[ \t]+$/g

/** Whether `message` (without its line ending) asks to end the session. */
export function isQuitWord(message: Uint8Array): boolean {
  if (message.length < 4 || message.length > MAX_QUIT_MESSAGE_BYTES) return false
  const word = Buffer.from(message.buffer, message.byteOffset, message.length)
    .toString('latin1')
    .replace(SURROUNDING_SPACES, '')
    .toLowerCase()
  return QUIT_WORDS.includes(word)
}
