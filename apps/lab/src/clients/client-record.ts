/**
 * What a lab client saw, on the lab's clock (src/clock.ts): the client's own half of a timeline.
 * The server's half comes from its JSON log; the two meet on the client's local port, which the
 * server logs as `peer`.
 */
export type ClientEvent =
  | { kind: 'connected'; atMs: number }
  | { kind: 'sent'; atMs: number; n: number; text: string }
  /** One byte of a message sent a byte at a time. */
  | { kind: 'byte'; atMs: number }
  | { kind: 'reply'; atMs: number; n: number; text: string; ok: boolean }
  /** An `Error:` line: the server ending the session. */
  | { kind: 'server-error'; atMs: number; text: string }
  | { kind: 'left'; atMs: number; closedBy: 'server' | 'client' }

export interface ClientRecord {
  name: string
  server: string
  /** The port the server sees it from (its `peer`), 0 if it never connected. */
  localPort: number
  events: ClientEvent[]
}
