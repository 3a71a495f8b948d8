/**
 * Messages stay bytes (STYLE.md principle 2); they are decoded only here, to show a person a
 * bounded, printable preview in logs and client output.
 */

export const PREVIEW_CHARS = 80

// What must not reach a terminal or a log raw, TAB aside: controls (C0, DEL and C1: they move
// the cursor, ring the bell, and U+009B starts an escape sequence like ESC [), the line and
// paragraph separators (U+2028/2029: a new line to some viewers, and raw in JSON), and the bidi
// controls (U+202E and the rest reorder the text around them, so a log line could lie).
const UNSAFE = /(?!\t)[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/gu

/**
 * The message as text, invalid UTF-8 shown as U+FFFD, controls, separators and bidi controls
 * escaped, cut at `maxChars`.
 */
export function preview(message: Uint8Array, maxChars = PREVIEW_CHARS): string {
  // Decode at most 4 bytes per character we may show: no point decoding a 64 KiB message.
  const head = Buffer.from(
    message.buffer,
    message.byteOffset,
    Math.min(message.length, maxChars * 4),
  )
  const text = head.toString('utf8').replace(UNSAFE, escapeUnsafe)
  const chars = [...text]
  if (chars.length <= maxChars && head.length === message.length) return text
  return `${chars.slice(0, maxChars).join('')}… (${message.length} bytes)`
}

/** `\x1b`, `\x9b` for a code point below 256; `\u202e` above. */
function escapeUnsafe(char: string): string {
  const code = char.charCodeAt(0)
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}
