/**
 * How the client shows things to a person: durations, message bytes as safe text, and colour
 * only on a terminal and never with NO_COLOR (https://no-color.org).
 */

import { styleText } from 'node:util'
import { preview } from '@echolab/protocol'

/** Characters of a message or reply shown; the rest is summarised with its size. */
const SHOWN_CHARS = 2_000

/** `0.42 ms`, `12.3 ms`, `3.21 s`. */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`
}

/** Message or reply bytes as printable text: invalid UTF-8 as U+FFFD, controls escaped. */
export function showBytes(bytes: Uint8Array): string {
  return preview(bytes, SHOWN_CHARS)
}

interface Style {
  error: (text: string) => string
  notice: (text: string) => string
  reply: (text: string) => string
  faint: (text: string) => string
}

/** Colours for `stream` if it is a terminal and NO_COLOR is not set; plain text otherwise. */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const colour = stream.isTTY === true && !env.NO_COLOR
  const paint =
    (format: Parameters<typeof styleText>[0]) =>
    (text: string): string =>
      colour ? styleText(format, text, { validateStream: false }) : text
  return {
    error: paint(['bold', 'red']),
    notice: paint('yellow'),
    reply: paint('green'),
    faint: paint('dim'),
  }
}
