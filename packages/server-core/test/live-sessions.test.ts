/**
 * LiveSessions on its own, without sockets: each "session" is one end of an in-memory pair whose
 * serving ends when that end closes, or earlier when the session decides to (its promise is
 * settled by hand). Time is vitest's fake clock, so grace periods and lingers pass at once and
 * the order of what happens is what is asserted, never how long it took.
 */
import type { Socket } from 'node:net'
import { duplexPair } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LINGERS } from '../src/lingers.ts'
import { LiveSessions } from '../src/shutdown/live-sessions.ts'

/** A session as `track` sees it: a socket, and a promise that settles once it has ended. */
function session() {
  const [, end] = duplexPair()
  const socket = end as unknown as Socket
  let finish = (): void => {}
  const served = new Promise<string>((resolve) => {
    finish = () => resolve('finished')
    end.once('close', () => resolve('cut off'))
  })
  return { socket, served, finish }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('LiveSessions', () => {
  it('tracks a session until it has ended, then calls onEnded with its socket', async () => {
    const sessions = new LiveSessions()
    const { socket, served, finish } = session()
    const ended: Socket[] = []
    const done = sessions.track(socket, served, (s) => ended.push(s))
    expect(sessions.size).toBe(1)
    finish()
    expect(await done).toBe('finished')
    expect(sessions.size).toBe(0)
    expect(ended).toEqual([socket])
  })

  it('drain: sessions that end within the grace period are never told', async () => {
    const sessions = new LiveSessions()
    const { socket, served, finish } = session()
    let toldBeforeEnd: boolean | undefined
    void sessions.track(socket, served, () => {
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
    const polite = session() // leaves when told
    const deaf = session() // never does
    sessions.signal.addEventListener('abort', polite.finish)
    const ended: string[] = []
    void sessions.track(polite.socket, polite.served, () => ended.push('polite'))
    void sessions.track(deaf.socket, deaf.served, () => ended.push('deaf'))
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
    const { socket, served } = session()
    const ended: Socket[] = []
    void sessions.track(socket, served, (s) => ended.push(s))
    await sessions.end()
    expect(sessions.signal.aborted).toBe(true)
    expect(socket.destroyed).toBe(true)
    expect(ended).toEqual([socket])
  })

  it('with no session, drain and end resolve at once', async () => {
    const sessions = new LiveSessions()
    await sessions.drain(60_000)
    await sessions.end(60_000)
    expect(sessions.size).toBe(0)
  })
})
