/**
 * Questions the experiments' checks ask of a timeline, each answered from the data alone.
 */
import { formatSeconds } from '../timeline/format.ts'
import type { ClientRow, ServerView, Timeline } from '../timeline/timeline.ts'

export function row(timeline: Timeline, name: string): ClientRow {
  const found = timeline.rows.find((r) => r.name === name)
  if (found === undefined) throw new Error(`no client named ${name} in the timeline`)
  return found
}

export function server(timeline: Timeline, label: string): ServerView {
  const found = timeline.servers.find((s) => s.label === label)
  if (found === undefined) throw new Error(`no server labelled ${label} in the timeline`)
  return found
}

/** When the client's first reply came, or null if none did. */
export function firstReplyMs(client: ClientRow): number | null {
  return client.messages.find((m) => m.replyMs !== null)?.replyMs ?? null
}

export function lastReplyMs(client: ClientRow): number | null {
  return client.messages.findLast((m) => m.replyMs !== null)?.replyMs ?? null
}

export function waited(client: ClientRow): boolean {
  return client.segments.some((s) => s.state === 'waiting')
}

/** Null if every client's every message got exactly its echo; else which did not. */
export function everyReplyRight(timeline: Timeline, names?: readonly string[]): string | null {
  for (const client of timeline.rows) {
    if (names !== undefined && !names.includes(client.name)) continue
    const wrong = client.messages.find((m) => !m.ok)
    if (wrong === undefined) continue
    return wrong.reply === null
      ? `${client.name}'s message ${wrong.n} got no reply`
      : `${client.name}'s message ${wrong.n} got ${JSON.stringify(wrong.reply)}`
  }
  return null
}

export function mostActive(view: ServerView): number {
  return Math.max(0, ...view.steps.map((s) => s.active))
}

/** "at 1.23 s" or "never". */
export function when(ms: number | null): string {
  return ms === null ? 'never' : `at ${formatSeconds(ms)}`
}
