/**
 * IdleList on its own: entries are plain objects, time is vitest's fake timers and a clock the
 * test moves with them, so what is asserted is the order things time out in, never how long it
 * took.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type IdleEntry, IdleList } from '../src/idle-list.ts'

interface Entry extends IdleEntry {
  name: string
}

function entry(name: string): Entry {
  return { name, idlePrev: null, idleNext: null, idleDeadline: -1 }
}

let clock = 0
const now = (): number => clock

/** Moves the clock and the timers together, `ms` at a time. */
function pass(ms: number): void {
  for (let i = 0; i < ms; i++) {
    clock++
    vi.advanceTimersByTime(1)
  }
}

function listOf(timeoutMs: number) {
  const expired: string[] = []
  const list = new IdleList<Entry>(timeoutMs, (e) => expired.push(e.name), now)
  return { list, expired }
}

beforeEach(() => {
  clock = 1000
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('IdleList', () => {
  it('times out each entry once, timeoutMs after its last touch, in that order', () => {
    const { list, expired } = listOf(100)
    const [a, b, c] = [entry('a'), entry('b'), entry('c')]
    list.touch(a)
    pass(10)
    list.touch(b)
    pass(10)
    list.touch(c)
    pass(79)
    expect(expired).toEqual([])
    pass(1)
    expect(expired).toEqual(['a'])
    pass(20)
    expect(expired).toEqual(['a', 'b', 'c'])
    pass(500)
    expect(expired).toEqual(['a', 'b', 'c'])
    expect(a.idleDeadline).toBe(-1)
  })

  it('a touch starts the countdown again and moves the entry behind the others', () => {
    const { list, expired } = listOf(100)
    const [a, b] = [entry('a'), entry('b')]
    list.touch(a)
    list.touch(b)
    pass(60)
    list.touch(a)
    pass(40)
    expect(expired).toEqual(['b'])
    pass(59)
    expect(expired).toEqual(['b'])
    pass(1)
    expect(expired).toEqual(['b', 'a'])
  })

  it('keeps one timer for all its entries, and none once they are all removed', () => {
    const { list, expired } = listOf(100)
    const entries = Array.from({ length: 1000 }, (_, i) => entry(String(i)))
    for (const e of entries) list.touch(e)
    expect(vi.getTimerCount()).toBe(1)
    for (const e of entries) list.remove(e)
    expect(vi.getTimerCount()).toBe(0)
    pass(200)
    expect(expired).toEqual([])
  })

  it('a removed entry never times out; removing one twice, or one never added, is harmless', () => {
    const { list, expired } = listOf(100)
    const [a, b, c, stranger] = [entry('a'), entry('b'), entry('c'), entry('stranger')]
    list.touch(a)
    list.touch(b)
    list.touch(c)
    list.remove(b)
    list.remove(b)
    list.remove(stranger)
    list.remove(a)
    pass(100)
    expect(expired).toEqual(['c'])
  })

  it('an entry touched again after it timed out times out again', () => {
    const { list, expired } = listOf(50)
    const a = entry('a')
    list.touch(a)
    pass(50)
    list.touch(a)
    pass(50)
    expect(expired).toEqual(['a', 'a'])
  })

  it('still times out the entries left when expiring one throws', () => {
    const expired: string[] = []
    const list = new IdleList<Entry>(
      100,
      (e) => {
        expired.push(e.name)
        if (e.name === 'a') throw new Error('a bug in whoever was told')
      },
      now,
    )
    const [a, b] = [entry('a'), entry('b')]
    list.touch(a)
    pass(1)
    list.touch(b)
    expect(() => pass(100)).toThrow('a bug in whoever was told')
    pass(1)
    expect(expired).toEqual(['a', 'b'])
  })

  it('a timer that fires before the clock reaches the deadline waits again', () => {
    const { list, expired } = listOf(100)
    const a = entry('a')
    list.touch(a)
    // The event loop's clock, which the timers go by, can be a fraction of a ms ahead of ours.
    clock += 99.6
    vi.advanceTimersByTime(100)
    expect(expired).toEqual([])
    clock += 0.4
    vi.advanceTimersByTime(1)
    expect(expired).toEqual(['a'])
  })
})
