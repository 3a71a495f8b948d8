/**
 * The scale run's arithmetic and its table, on made-up numbers: percentiles by nearest rank, and
 * one row per server and client count, times shown as a person reads them.
 */
import { describe, expect, it } from 'vitest'
import { percentile, spread } from '../src/scale/scale-run.ts'
import { scaleTable } from '../src/scale/scale-table.ts'

describe('scale arithmetic', () => {
  it('takes percentiles by nearest rank, whatever the order of the samples', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]
    expect(percentile(samples, 50)).toBe(5)
    expect(percentile(samples, 90)).toBe(9)
    expect(percentile(samples, 99)).toBe(10)
    expect(percentile([], 50)).toBe(0)
    expect(spread([3, 1, 2])).toEqual({ median: 2, max: 3 })
  })

  it('prints one Markdown row per point, milliseconds below a second and seconds above', () => {
    const table = scaleTable([
      {
        server: 'server-blocking',
        clients: 32,
        firstReplyMs: { median: 3020, max: 5840 },
        finishMs: { median: 3190, max: 6070 },
        latencyMs: { p50: 0.34, p90: 1, p99: 5670, max: 5700 },
        wholeRunMs: 6070,
      },
    ]).split('\n')
    expect(table).toHaveLength(3)
    expect(table[0]).toMatch(/^\| server +\| clients \| first reply \(median \/ max\) \|/)
    expect(table[1]).toMatch(/^\|-+\|-+:\|/)
    expect(table[2]).toBe(
      '| server-blocking |      32 |            3.02 s / 5.84 s |       3.19 s / 6.07 s |  0.34 ms / 5.67 s |    6.07 s |',
    )
  })
})
