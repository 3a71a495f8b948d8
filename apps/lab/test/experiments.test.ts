/**
 * The lab's experiments run for real, as `npm run lab` runs them (real server processes on
 * 127.0.0.1, port 0, real sockets), and their timelines asserted: what each one must show, read
 * from the data the terminal and the report draw.
 */
import { withTimeout } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { EXPERIMENTS } from '../src/experiments/catalog.ts'
import { runExperiment } from '../src/experiments/run-experiment.ts'
import { firstReplyMs, lastReplyMs, mostActive } from '../src/experiments/timeline-facts.ts'
import type { ClientRow, Timeline } from '../src/timeline/timeline.ts'

async function run(id: string): Promise<Timeline> {
  const experiment = EXPERIMENTS.find((e) => e.id === id)!
  const result = await withTimeout(
    runExperiment(experiment, new AbortController().signal),
    90_000,
    `experiment ${id} to finish`,
  )
  // The lab's own checks pass, and the assertions below say the same from the data.
  expect(result.problems).toEqual([])
  return result.timeline
}

const rowOf = (t: Timeline, name: string): ClientRow => t.rows.find((r) => r.name === name)!
const states = (row: ClientRow): string[] => row.segments.map((s) => s.state)

describe('the lab, run for real', () => {
  it('experiment 1: one client is echoed, leaves on sair, and the server goes on serving', async () => {
    const t = await run('1')
    const [first, second] = [rowOf(t, 'client 1'), rowOf(t, 'client 2')]
    expect(first.messages).toMatchObject([
      { text: 'Olá, meu amigo Servidor', reply: 'Echo: Olá, meu amigo Servidor', ok: true },
    ])
    expect(first.closedBy).toBe('server')
    const log = t.servers[0]!.log
    expect(log.filter((l) => l.client === 'client 1').map((l) => l.event)).toEqual([
      'connected',
      'served',
      'message',
      'session ended',
    ])
    expect(second.connectedMs).toBeGreaterThan(first.leftMs)
    expect(second.messages[0]!.ok).toBe(true)
  })

  it('experiment 2: the staircase: client 2 waits in line and is answered only after client 1 left', async () => {
    const t = await run('2')
    const [first, second] = [rowOf(t, 'client 1'), rowOf(t, 'client 2')]
    expect(states(first)).toEqual(['served'])
    expect(states(second)).toEqual(['waiting', 'served'])
    const [waiting, served] = second.segments
    expect(waiting!.fromMs).toBeLessThan(lastReplyMs(first)!)
    expect(served!.fromMs).toBeGreaterThanOrEqual(first.segments[0]!.toMs)
    expect(firstReplyMs(second)).toBeGreaterThanOrEqual(first.segments[0]!.toMs)
    // Sent while in line, answered only once served.
    expect(second.messages[0]!.sentMs).toBeLessThan(waiting!.toMs)
    const log = t.servers[0]!.log.map((l) => `${l.client} ${l.event}`)
    expect(log.indexOf('client 2 served')).toBe(log.indexOf('client 1 session ended') + 1)
    expect(Math.max(...t.servers[0]!.steps.map((s) => s.waiting))).toBe(1)
    expect(mostActive(t.servers[0]!)).toBe(1)
  })

  it('experiment 3: client 3 is served at once; client 2 alone gets "message too long"', async () => {
    const t = await run('3')
    const [first, second, third] = ['client 1', 'client 2', 'client 3'].map((n) => rowOf(t, n))
    expect(second!.errors.map((e) => e.text)).toEqual([
      'Error: message too long (limit 1024 bytes)',
    ])
    expect(second!.closedBy).toBe('server')
    expect(first!.errors).toEqual([])
    expect(third!.errors).toEqual([])
    expect(t.rows.flatMap(states)).not.toContain('waiting')
    expect(firstReplyMs(third!)).toBeLessThan(lastReplyMs(first!)!)
    const ended = t.servers[0]!.log.filter((l) => l.event === 'session ended').map((l) => l.client)
    expect(ended.sort()).toEqual(['client 1', 'client 2', 'client 3'])
  })

  it('experiment 4: the overlap: both clients are served at once, nobody waits', async () => {
    const t = await run('4')
    const [first, second] = [rowOf(t, 'client 1'), rowOf(t, 'client 2')]
    expect(t.rows.flatMap(states)).toEqual(['served', 'served'])
    expect(firstReplyMs(second)).toBeLessThan(lastReplyMs(first)!)
    expect(mostActive(t.servers[0]!)).toBe(2)
    expect(Math.max(...t.servers[0]!.steps.map((s) => s.waiting))).toBe(0)
  })

  it('experiment 5: a byte-at-a-time client holds the blocking server until the idle timeout, not the threaded one', async () => {
    const t = await run('5')
    for (const server of ['blocking', 'threaded']) {
      const slow = rowOf(t, `${server}: slow client`)
      expect(slow.bytesMs.length).toBeGreaterThan(1)
      expect(slow.errors[0]!.text).toMatch(/^Error: idle timeout/)
    }
    const blocked = rowOf(t, 'blocking: client 2')
    const free = rowOf(t, 'threaded: client 2')
    expect(states(blocked)).toEqual(['waiting', 'served'])
    expect(states(free)).toEqual(['served'])
    expect(firstReplyMs(blocked)).toBeGreaterThanOrEqual(
      rowOf(t, 'blocking: slow client').errors[0]!.atMs,
    )
    expect(firstReplyMs(free)).toBeLessThan(rowOf(t, 'threaded: slow client').errors[0]!.atMs)
  })

  it("experiment 2's checks refuse what the concurrent server does, and say why", async () => {
    const staircase = EXPERIMENTS.find((e) => e.id === '2')!
    // The same clients and checks, but the threaded server behind the blocking server's label.
    const impostor = {
      ...staircase,
      servers: [{ label: 'server-blocking', app: 'server-threaded', flags: [] }] as const,
    }
    const result = await withTimeout(
      runExperiment(impostor, new AbortController().signal),
      90_000,
      'the impostor experiment to finish',
    )
    const failed = new Map(result.problems.map((p) => [p.says, p.why]))
    expect(failed.get('client 2 waits in line (the server logs it "waiting")')).toBe(
      'the server never logged client 2 waiting',
    )
    expect(failed.get('client 2 gets no reply until client 1 has left')).toMatch(
      /^client 2's first reply came at [\d.]+ s, before client 1's session ended at [\d.]+ s$/,
    )
    expect(failed.has('every message gets its echo')).toBe(false)
  })
})
