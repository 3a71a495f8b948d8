/**
 * LiveSessions on its own, without sockets: each "session" is one end of an in-memory pair whose
 * serving ends when that end closes, or earlier when the session decides to (ended by hand, as
 * ConnectionServer ends one: what it does at the end, then `delete`). Time is vitest's fake clock, so grace periods and lingers pass at once and
 * the order of what happens is what is asserted, never how long it took.
 */
import type { Socket } from 'node:net'
import { duplexPair } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LINGERS } from '../src/lingers.ts'
import { LiveSessions } from '../src/shutdown/live-sessions.ts'

/**
 * A session in `sessions`: added, and deleted once it has ended (by hand, or when its socket is
 * closed), after `onEnded` (what ConnectionServer does at the end: log it) has run, once.
 */
function session(sessions: LiveSessions, onEnded: () => void = () => {}) {
  const [, end] = duplexPair()
  const socket = end as unknown as Socket
  let ended = false
  const finish = (): void => {
    if (ended) return
    ended = true
    onEnded()
    sessions.delete(socket)
  }
  end.once('close', finish)
  sessions.add(socket, 1)
  return { socket, finish }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('LiveSessions', () => {
  it('holds a session until it is deleted; whenEmpty resolves once none is left', async () => {
    const sessions = new LiveSessions()
    const first = session(sessions)
    const second = session(sessions)
    expect(sessions.size).toBe(2)
    let empty = false
    const emptied = sessions.whenEmpty().then(() => {
      empty = true
    })
    first.finish()
    await vi.advanceTimersByTimeAsync(0)
    expect(sessions.size).toBe(1)
    expect(empty).toBe(false)
    second.finish()
    await emptied
    expect(sessions.size).toBe(0)
  })

  it('drain: sessions that end within the grace period are never told', async () => {
    const sessions = new LiveSessions()
    let toldBeforeEnd: boolean | undefined
    const { socket, finish } = session(sessions, () => {
      toldBeforeEnd = sessions.signal.aborted
    })
    const drained = sessions.drain(10_000)
    await vi.advanceTimersByTimeAsync(9_000)
    finish()
    await drained
    expect(toldBeforeEnd).toBe(false)
    expect(socket.destroyed).toBe(false)
  })

  it('drain: past the grace period the rest are told, get toldClientMs to leave, then are cut off', async () => {
    const sessions = new LiveSessions()
    const ended: string[] = []
    const polite = session(sessions, () => ended.push('polite')) // leaves when told
    const deaf = session(sessions, () => ended.push('deaf')) // never does
    sessions.signal.addEventListener('abort', polite.finish)
    let drainDone = false
    const drained = sessions.drain(5_000).then(() => {
      drainDone = true
    })

    await vi.advanceTimersByTimeAsync(4_999)
    expect(sessions.signal.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(sessions.signal.aborted).toBe(true)
    expect(ended).toEqual(['polite'])
    expect(deaf.socket.destroyed).toBe(false)

    await vi.advanceTimersByTimeAsync(LINGERS.toldClientMs - 1)
    expect(deaf.socket.destroyed).toBe(false)
    expect(drainDone).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await drained
    expect(deaf.socket.destroyed).toBe(true)
    expect(ended).toEqual(['polite', 'deaf']) // each had ended (and logged) before drain resolved
    expect(sessions.size).toBe(0)
    expect(polite.socket.destroyed).toBe(false)
  })

  it('end: tells at once and, with no linger, cuts off the rest at once', async () => {
    const sessions = new LiveSessions()
    const ended: string[] = []
    const { socket } = session(sessions, () => ended.push('cut off'))
    await sessions.end()
    expect(sessions.signal.aborted).toBe(true)
    expect(socket.destroyed).toBe(true)
    expect(ended).toEqual(['cut off'])
  })

  it('with no session, drain and end resolve at once', async () => {
    const sessions = new LiveSessions()
    await sessions.drain(60_000)
    await sessions.whenEmpty()
    await sessions.end(60_000)
    expect(sessions.size).toBe(0)
  })
})
