/**
 * What scripted mode says at the end (DESIGN.md, "The client"): messages, replies, round-trip
 * min/avg/max and the time waited for the first reply.
 */
import { formatDuration } from './display.ts'

export class RoundTrips {
  count = 0
  minMs = Number.POSITIVE_INFINITY
  maxMs = 0
  #totalMs = 0

  add(ms: number): void {
    this.count++
    this.minMs = Math.min(this.minMs, ms)
    this.maxMs = Math.max(this.maxMs, ms)
    this.#totalMs += ms
  }

  get avgMs(): number {
    return this.count === 0 ? 0 : this.#totalMs / this.count
  }
}

export interface Summary {
  messages: number
  /** Replies that were exactly right. */
  replies: number
  wrongReplies: number
  /** Messages that never got a reply. */
  missingReplies: number
  roundTripMs: { min: number; avg: number; max: number } | null
  /** From sending the first message to its reply: how long the server kept us waiting. */
  firstReplyMs: number | null
  /** Connections opened again after one was lost (DESIGN.md, "Replicas"). */
  reconnections: number
  /** Messages sent once more on a new connection because their reply never came. */
  resent: number
  ok: boolean
}

interface Tally {
  messages: number
  /** Round trips of the right replies only. */
  roundTrips: RoundTrips
  wrongReplies: number
  missingReplies: number
  firstReplyMs: number | null
  reconnections: number
  resent: number
  ok: boolean
}

export function summarise(tally: Tally): Summary {
  const { messages, roundTrips, wrongReplies, missingReplies, firstReplyMs, ok } = tally
  const rounded = (ms: number): number => Math.round(ms * 1000) / 1000
  return {
    messages,
    replies: roundTrips.count,
    wrongReplies,
    missingReplies,
    roundTripMs:
      roundTrips.count === 0
        ? null
        : {
            min: rounded(roundTrips.minMs),
            avg: rounded(roundTrips.avgMs),
            max: rounded(roundTrips.maxMs),
          },
    firstReplyMs: firstReplyMs === null ? null : rounded(firstReplyMs),
    reconnections: tally.reconnections,
    resent: tally.resent,
    ok,
  }
}

/** `3 messages, 3 replies; round trip min 0.21 ms, avg 0.40 ms, max 0.72 ms; first reply after 0.72 ms` */
export function formatSummary(summary: Summary): string {
  const counts = [
    `${summary.messages} ${summary.messages === 1 ? 'message' : 'messages'}`,
    `${summary.replies} ${summary.replies === 1 ? 'reply' : 'replies'}`,
  ]
  if (summary.wrongReplies > 0) counts.push(`${summary.wrongReplies} wrong`)
  if (summary.missingReplies > 0) counts.push(`${summary.missingReplies} missing`)
  const parts = [counts.join(', ')]
  const rt = summary.roundTripMs
  if (rt) {
    parts.push(
      `round trip min ${formatDuration(rt.min)}, avg ${formatDuration(rt.avg)}, max ${formatDuration(rt.max)}`,
    )
  }
  if (summary.firstReplyMs !== null) {
    parts.push(`first reply after ${formatDuration(summary.firstReplyMs)}`)
  }
  if (summary.reconnections > 0) {
    const times = summary.reconnections === 1 ? 'once' : `${summary.reconnections} times`
    parts.push(`reconnected ${times}, ${summary.resent} sent again`)
  }
  return `summary: ${parts.join('; ')}`
}
