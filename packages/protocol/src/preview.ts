/**
 * Messages stay bytes (STYLE.md principle 2); they are decoded only here, to show a person a
 * bounded, printable preview in logs and client output.
 */

export const PREVIEW_CHARS = 80

// C0 controls and DEL (TAB aside) would move a terminal's cursor or ring its bell.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/g

/** The message as text, invalid UTF-8 shown as U+FFFD, controls escaped, cut at `maxChars`. */
export function preview(message: Uint8Array, maxChars = PREVIEW_CHARS): string {
  // Decode at most 4 bytes per character we may show: no point decoding a 64 KiB message.
  const head = Buffer.from(
    message.buffer,
    message.byteOffset,
    Math.min(message.length, maxChars * 4),
  )
  const text = head.toString('utf8').replace(CONTROL, escapeControl)
  const chars = [...text]
  if (chars.length <= maxChars && head.length === message.length) return text
  return `${chars.slice(0, maxChars).join('')}… (${message.length} bytes)`
}

function escapeControl(char: string): string {
  return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`
}
