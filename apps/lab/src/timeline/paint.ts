/**
 * Colour for the terminal, only on a terminal and never with NO_COLOR (https://no-color.org):
 * piped into a file, the lab's output is plain text.
 */
import { styleText } from 'node:util'

export interface Paint {
  waiting(text: string): string
  served(text: string): string
  message(text: string): string
  reply(text: string): string
  error(text: string): string
  faint(text: string): string
  bold(text: string): string
  ok(text: string): string
}

export function paintFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  const colour = stream.isTTY === true && !env.NO_COLOR
  const with_ =
    (format: Parameters<typeof styleText>[0]) =>
    (text: string): string =>
      colour ? styleText(format, text, { validateStream: false }) : text
  return {
    waiting: with_('yellow'),
    served: with_('green'),
    message: with_(['bold', 'cyan']),
    reply: with_(['bold', 'green']),
    error: with_(['bold', 'red']),
    faint: with_('dim'),
    bold: with_('bold'),
    ok: with_('green'),
  }
}
