/**
 * Where scripted mode's messages come from: --message (CLIENT_MESSAGES), --count and --text
 * (CLIENT_COUNT, CLIENT_TEXT), or one per line on stdin. Messages are bytes from here on; they
 * are decoded only to be shown to a person.
 */
import { EchoError, ErrorCode, LineDecoder } from '@echolab/protocol'

const PLACEHOLDER = /\{(\w*)\}/g
const PLACEHOLDERS = ['name', 'n']

/** The largest message a server can be configured to take (MAX_MESSAGE_BYTES' upper bound). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

/** Why `text` is not a usable --text template, or undefined if it is. */
export function checkTemplate(text: string): string | undefined {
  if (text.includes('\n')) return 'a single line (no line feed)'
  for (const [, word] of text.matchAll(PLACEHOLDER)) {
    if (!PLACEHOLDERS.includes(word ?? '')) {
      return `a template whose placeholders are {name} and {n} (unknown: {${word}})`
    }
  }
  return undefined
}

/** Message number `n` (from 1) of `--text`: `{name}` and `{n}` filled in. */
export function fillTemplate(text: string, name: string, n: number): Buffer {
  return Buffer.from(
    text.replace(PLACEHOLDER, (_, word: string) => (word === 'n' ? String(n) : name)),
  )
}

export function* templateMessages(text: string, count: number, name: string): Iterable<Buffer> {
  for (let n = 1; n <= count; n++) yield fillTemplate(text, name, n)
}

/**
 * One message per line of `input`, as they arrive (so `(echo a; sleep 1; echo b) | client`
 * paces itself). One CR before the LF is dropped, as the server would drop it: a file with
 * Windows line endings sends the same messages as one without. A line no server could take
 * stops the input with an error naming it; the lines before it have been sent already.
 */
export async function* lineMessages(input: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const decoder = new LineDecoder(MAX_MESSAGE_BYTES)
  let lineNumber = 1
  for await (const chunk of input) {
    const lines: Buffer[] = []
    let refusal: unknown
    try {
      // Copied: a message is a view into the chunk, and it is sent after the next read.
      decoder.write(chunk, (line) => {
        lines.push(Buffer.from(line))
      })
    } catch (error) {
      refusal = overlong(error, lineNumber + lines.length)
    }
    yield* lines // the lines before a refused one still go out
    if (refusal !== undefined) throw refusal
    lineNumber += lines.length
  }
  const last = decoder.end()
  if (last) yield last
}

/** The decoder's refusal of line `lineNumber`, said as what it is to the person who piped it. */
function overlong(error: unknown, lineNumber: number): unknown {
  if (!(error instanceof EchoError && error.code === ErrorCode.MESSAGE_TOO_LONG)) return error
  return new Error(
    `line ${lineNumber} of stdin is longer than ${MAX_MESSAGE_BYTES} bytes, the most a server can take as one message`,
  )
}
