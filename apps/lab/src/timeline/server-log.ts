/**
 * The servers' JSON log lines the lab reads (pino: `time`, `msg`, and each
 * session's `conn`), and how a person reads each of them.
 */
import { countOf, formatSeconds } from './format.ts'

export interface ServerLogLine {
  msg: string
  time?: unknown
  conn?: unknown
  [field: string]: unknown
}

/** The events of a connection's life that the timeline shows. */
const SESSION_EVENTS = new Set([
  'connected',
  'waiting',
  'served',
  'message',
  'session ended',
  'left the queue',
  'refused',
])

export function isSessionEvent(line: ServerLogLine): boolean {
  return SESSION_EVENTS.has(line.msg) && typeof line.conn === 'number'
}

/** The line's time in ms since the epoch: pino writes ISO 8601 with milliseconds, or a number. */
export function timeOf(line: ServerLogLine): number {
  if (typeof line.time === 'number') return line.time
  return typeof line.time === 'string' ? Date.parse(line.time) : Number.NaN
}

/** "waiting (position 1)", "served after 2.71 s in line", "session ended (quit, 3 messages)". */
export function describeLine(line: ServerLogLine): string {
  switch (line.msg) {
    case 'waiting':
      return `waiting in line (position ${line.position})`
    case 'served':
      return `served after ${formatSeconds(Number(line.waitedMs))} in line`
    case 'message':
      return `message "${line.text}"`
    case 'session ended':
      return `session ended (${line.reason}, ${countOf(Number(line.messages), 'message')})`
    case 'left the queue':
      return `left the queue (${line.why})`
    case 'refused':
      return `refused (${line.reason})`
    case 'connected':
      return typeof line.active === 'number' ? `connected (${line.active} active)` : 'connected'
    default:
      return line.msg
  }
}
