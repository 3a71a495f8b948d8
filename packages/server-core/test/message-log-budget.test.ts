import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MessageLogBudget } from '../src/logs/message-log-budget.ts'

describe('MessageLogBudget', () => {
  let suppressed: number[]
  const record = (count: number): void => {
    suppressed.push(count)
  }

  beforeEach(() => {
    vi.useFakeTimers()
    suppressed = []
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('lets perSecond messages be logged in a second, then only counts them', () => {
    const budget = new MessageLogBudget(3, record)
    const taken = Array.from({ length: 5 }, () => {
      vi.advanceTimersByTime(100)
      return budget.take()
    })
    expect(taken).toEqual([true, true, true, false, false])
    expect(suppressed).toEqual([])
  })

  it('reports how many were not logged when the second is over, and logs again after it', () => {
    const budget = new MessageLogBudget(1, record)
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([
      true,
      false,
      false,
      false,
    ])
    vi.advanceTimersByTime(999)
    expect(suppressed).toEqual([])
    expect(budget.take()).toBe(false)
    vi.advanceTimersByTime(1)
    expect(suppressed).toEqual([4])
    expect(budget.take()).toBe(true)
    vi.advanceTimersByTime(1000)
    expect(suppressed).toEqual([4]) // a second with nothing held back reports nothing
  })

  it('opens a new second only when a message comes, so a quiet server runs no timer', () => {
    const budget = new MessageLogBudget(1, record)
    budget.take()
    vi.advanceTimersByTime(1000)
    expect(vi.getTimerCount()).toBe(0)
    budget.take()
    expect(vi.getTimerCount()).toBe(1)
  })

  it('logs no message with a budget of zero, and still counts them', () => {
    const budget = new MessageLogBudget(0, record)
    expect(budget.take()).toBe(false)
    expect(budget.take()).toBe(false)
    vi.advanceTimersByTime(1000)
    expect(budget.take()).toBe(false)
    vi.advanceTimersByTime(1000)
    expect(suppressed).toEqual([2, 1])
  })
})
