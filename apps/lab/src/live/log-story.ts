/**
 * The server's log lines `lab live` echoes to its terminal, one short line per step of a
 * connection's story (the page shows the same, drawn).
 */
import { countOf, formatSeconds } from '../timeline/format.ts'
import type { LogLine } from './live-server.ts'

export function describeLogLine(line: LogLine): string | undefined {
  const who = typeof line.conn === 'number' ? `#${line.conn}` : ''
  switch (line.msg) {
    case 'connected':
      return `${who} connected from ${line.peer}`
    case 'waiting':
      return `${who} waits in line (position ${line.position})`
    case 'served':
      return `${who} served after ${formatSeconds(Number(line.waitedMs))} in line`
    case 'message':
      return `${who} says ${JSON.stringify(line.text)}`
    case 'session ended':
      return `${who} left: ${line.reason} (${countOf(Number(line.messages), 'message')})`
    case 'left the queue':
      return `${who} left the line: ${line.why}`
    case 'refused':
      return `${who} refused: ${line.reason ?? 'server busy'}`
    default:
      return undefined
  }
}
