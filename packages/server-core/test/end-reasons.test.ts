/**
 * The end reasons are written once (src/end-reasons.ts); these tests hold everything derived from
 * them to that list: the metrics count each one, and the README's table names exactly them.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { END_REASON_MEANINGS, END_REASONS } from '../src/end-reasons.ts'
import { formatPrometheus } from '../src/metrics/metrics-endpoint.ts'
import { ServerMetrics } from '../src/metrics/server-metrics.ts'

describe('the end reasons', () => {
  it.each(END_REASONS)('a session ended by "%s" is counted, and shown in /metrics', (reason) => {
    const metrics = new ServerMetrics()
    metrics.row(0).ended({ reason, bytesOut: 12 })
    const snapshot = metrics.snapshot(0)
    expect(snapshot[`ended:${reason}`]).toBe(1)
    expect(snapshot.bytesOut).toBe(12)
    const others = END_REASONS.filter((other) => other !== reason)
    expect(others.map((other) => snapshot[`ended:${other}`])).toEqual(others.map(() => 0))
    expect(formatPrometheus('test', snapshot)).toContain(
      `echolab_sessions_ended_total{server="test",reason="${reason}"} 1\n`,
    )
  })

  it("are exactly the rows of the README's table, each with its meaning", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const section = readme.split('\n## End reasons\n')[1]?.split('\n## ')[0] ?? ''
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .map(([, reason, meaning]) => [reason?.replaceAll('`', ''), meaning])
    expect(rows).toEqual(END_REASONS.map((reason) => [reason, END_REASON_MEANINGS[reason]]))
  })
})
