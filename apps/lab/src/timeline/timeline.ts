/**
 * What an experiment showed, as data: one row per client and the servers' own view, every time in
 * milliseconds from the start of the experiment. The terminal, the HTML report, the lab's checks
 * and the tests all read this one shape.
 */

/** What a client was doing at the server: waiting in line, or being served. */
const SEGMENT_STATES = ['waiting', 'served'] as const
type SegmentState = (typeof SEGMENT_STATES)[number]

export interface Segment {
  state: SegmentState
  fromMs: number
  toMs: number
}

export interface MessageExchange {
  n: number
  text: string
  sentMs: number
  /** When its reply came; null if none did. */
  replyMs: number | null
  reply: string | null
  /** The reply was exactly `Echo: ` + the message. */
  ok: boolean
}

export interface ClientRow {
  name: string
  /** The label of the server it talked to. */
  server: string
  /** The server's connection id for it, from the server's log; null if the server never logged it. */
  conn: number | null
  connectedMs: number
  leftMs: number
  closedBy: 'server' | 'client'
  segments: Segment[]
  messages: MessageExchange[]
  /** When it sent each byte of a message sent one byte at a time. */
  bytesMs: number[]
  /** `Error:` lines the server sent it. */
  errors: { atMs: number; text: string }[]
}

/** The server's count of connections after a change. */
export interface ServerStep {
  atMs: number
  active: number
  waiting: number
}

/** One line of the server's log, as a person reads it. */
export interface ServerLine {
  atMs: number
  conn: number | null
  /** The client the connection belongs to, when one of ours. */
  client: string | null
  event: string
  detail: string
}

export interface ServerView {
  label: string
  app: string
  steps: ServerStep[]
  log: ServerLine[]
}

export interface Timeline {
  /** When the experiment's clock started, ms since the epoch. */
  startedAtMs: number
  /** When the last client left (or the server last let one go), from the start. */
  endMs: number
  rows: ClientRow[]
  servers: ServerView[]
}
