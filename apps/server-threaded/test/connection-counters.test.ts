import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { ConnectionCounters } from '../src/connection-counters.ts'

describe('ConnectionCounters', () => {
  it('counts connections of every slot in the total, and refuses past the limit', () => {
    const memory = ConnectionCounters.allocate(2)
    const first = new ConnectionCounters(memory, 0)
    const second = new ConnectionCounters(memory, 1)
    expect(first.admit(3)).toBe(1)
    expect(second.admit(3)).toBe(2)
    expect(second.admit(3)).toBe(3)
    expect(first.admit(3)).toBeNull()
    expect(second.active()).toBe(3)
    first.release()
    expect(first.admit(3)).toBe(3)
  })

  it('forgets the connections of a slot whose thread died', () => {
    const memory = ConnectionCounters.allocate(2)
    const dead = new ConnectionCounters(memory, 0)
    const alive = new ConnectionCounters(memory, 1)
    dead.admit(10)
    dead.admit(10)
    alive.admit(10)
    new ConnectionCounters(memory, 0).resetSlot()
    expect(alive.active()).toBe(1)
  })

  it('hands out connection ids that are unique across slots', () => {
    const memory = ConnectionCounters.allocate(2)
    const ids = [
      new ConnectionCounters(memory, 0).nextId(),
      new ConnectionCounters(memory, 1).nextId(),
      new ConnectionCounters(memory, 0).nextId(),
    ]
    expect(ids).toEqual([1, 2, 3])
  })

  it('refuses a slot it has no counter for', () => {
    expect(() => new ConnectionCounters(ConnectionCounters.allocate(2), 2)).toThrow(RangeError)
  })

  it('never admits more than the limit when threads admit at the same time', async () => {
    const threads = 4
    const limit = 1_000
    const attemptsPerThread = 2_000
    const memory = ConnectionCounters.allocate(threads)
    // Together they try 8000 times for 1000 places and never release: every place is counted.
    const admitted = await Promise.all(
      Array.from({ length: threads }, (_, slot) => {
        const worker = new Worker(new URL('./support/admitting-thread.ts', import.meta.url), {
          workerData: { memory, slot, limit, attempts: attemptsPerThread },
        })
        return new Promise<number>((resolve, reject) => {
          worker.once('message', resolve)
          worker.once('error', reject)
        })
      }),
    )
    const total = admitted.reduce((sum, count) => sum + count, 0)
    expect(total).toBeLessThanOrEqual(limit)
    expect(total).toBeGreaterThan(0)
    expect(new ConnectionCounters(memory, 0).active()).toBe(total)
  })
})
