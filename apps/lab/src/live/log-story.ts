/**
 * The server's log lines `lab live` echoes to its terminal, one short line per step of a
 * connection's story (the page shows the same, drawn).
 */
import type { LogLine } from './live-server.ts'

export function describeLogLine(line: LogLine): string | undefined {
  const who = typeof line.conn === 'number' ? `#${line.conn}` : ''
  switch (line.msg) {
    case 'connected':
      return `${who} connected from ${line.peer}`
    case 'waiting':
      return `${who} waits in line (position ${line.position})`
    case 'served':
      return `${who} served after waiting ${line.waitedMs} ms`
    case 'message':
      return `${who} says ${JSON.stringify(line.text)}`
    case 'session ended':
      return `${who} left: ${line.reason} (${line.messages} messages)`
    case 'left the queue':
      return `${who} left the line: ${line.why}`
    case 'refused':
      return `${who} refused: ${line.reason ?? 'server busy'}`
    default:
      return undefined
  }
}
