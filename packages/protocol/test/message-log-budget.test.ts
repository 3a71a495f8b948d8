import { describe, expect, it } from 'vitest'
import { MessageLogBudget } from '../src/message-log-budget.ts'

describe('MessageLogBudget', () => {
  it('lets perSecond messages be logged in a second, then only counts them', () => {
    const budget = new MessageLogBudget(3)
    const suppressed: number[] = []
    const taken = [5000, 5100, 5200, 5300, 5400].map((now) =>
      budget.take(now, (count) => suppressed.push(count)),
    )
    expect(taken).toEqual([true, true, true, false, false])
    expect(suppressed).toEqual([])
  })

  it('reports how many were not logged once the next second opens', () => {
    const budget = new MessageLogBudget(1)
    const suppressed: number[] = []
    const onSuppressed = (count: number): void => {
      suppressed.push(count)
    }
    for (const now of [5000, 5001, 5002, 5003]) budget.take(now, onSuppressed)
    expect(budget.take(6000, onSuppressed)).toBe(true)
    expect(suppressed).toEqual([3])
    expect(budget.take(7500, onSuppressed)).toBe(true)
    expect(suppressed).toEqual([3])
  })

  it('logs no message with a budget of zero, and still counts them', () => {
    const budget = new MessageLogBudget(0)
    const suppressed: number[] = []
    const onSuppressed = (count: number): void => {
      suppressed.push(count)
    }
    expect(budget.take(5000, onSuppressed)).toBe(false)
    expect(budget.take(5001, onSuppressed)).toBe(false)
    expect(budget.take(6001, onSuppressed)).toBe(false)
    expect(suppressed).toEqual([2])
  })
})
