/**
 * Shutdown's policy on its own (DESIGN.md, "Shutdown"): what each signal does in each phase, the
 * log lines, the flush and the exit status. No process is signalled and none exits: the test
 * gives Shutdown its own signal source, exit and clock (the options default to the process).
 * The servers' real-process tests (SIGTERM, SIGINT, npm start in tmux) cover the wiring.
 */
import { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger, type LogSink } from '../src/logs/logger.ts'
import { Shutdown } from '../src/shutdown/shutdown.ts'

const GRACE_MS = 10_000

afterEach(() => {
  vi.restoreAllMocks()
})

/** Resolved by the test, when it says the sessions have ended. */
function deferred() {
  let resolve = (): void => {}
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

function started() {
  const lines: Record<string, unknown>[] = []
  let flushed = 0
  const sink: LogSink = {
    write: (line: string) => void lines.push(JSON.parse(line)),
    flushSync: () => void flushed++,
  }
  const signals = new EventEmitter()
  const exits: number[] = []
  let now = 0
  const calls: string[] = []
  const drained = deferred()
  const endedNow = deferred()
  const shutdown = new Shutdown({
    service: 'shutdown-test',
    log: createLogger({ service: 'shutdown-test', level: 'debug', sink }),
    sink,
    graceMs: GRACE_MS,
    stopAccepting: () => void calls.push('stopAccepting'),
    drain: (graceMs) => {
      calls.push(`drain ${graceMs}`)
      return drained.promise
    },
    endNow: () => {
      calls.push('endNow')
      return endedNow.promise
    },
    state: () => ({ active: 2 }),
    signals,
    exit: (status) => void exits.push(status),
    now: () => now,
  })
  /** `name` arrives `atMs` after the test began. */
  const signal = (name: NodeJS.Signals, atMs: number): void => {
    now = atMs
    signals.emit(name, name)
  }
  const messages = () => lines.map((line) => line.msg)
  /** Lets the promises the shutdown awaits run on. */
  const settle = () => new Promise((resolve) => setImmediate(resolve))
  return {
    shutdown,
    signals,
    signal,
    calls,
    exits,
    lines,
    messages,
    drained,
    endedNow,
    settle,
    flushes: () => flushed,
  }
}

describe('Shutdown', () => {
  it('listens for SIGTERM and SIGINT from the moment it is made', () => {
    const { signals } = started()
    expect(signals.eventNames().sort()).toEqual(['SIGINT', 'SIGTERM'])
  })

  it('first signal: stops accepting, drains with the grace period, logs, flushes, exits 0', async () => {
    const { shutdown, signal, calls, exits, lines, messages, drained, settle, flushes } = started()
    shutdown.serving()
    expect(shutdown.accepting).toBe(true)
    signal('SIGTERM', 0)
    expect(shutdown.accepting).toBe(false)
    expect(calls).toEqual(['stopAccepting', `drain ${GRACE_MS}`])
    expect(lines[0]).toMatchObject({
      msg: 'shutting down',
      signal: 'SIGTERM',
      graceMs: GRACE_MS,
      active: 2,
    })
    await settle()
    expect(exits).toEqual([]) // not before every session has ended
    drained.resolve()
    await settle()
    expect(messages()).toEqual(['shutting down', 'stopped'])
    expect(lines.at(-1)).toMatchObject({ exitStatus: 0 })
    expect(flushes()).toBe(1)
    expect(exits).toEqual([0])
  })

  it('the same signal again within a second is the same request (npm forwarding one Ctrl-C)', async () => {
    const { shutdown, signal, calls, exits, drained, settle } = started()
    shutdown.serving()
    signal('SIGINT', 0)
    signal('SIGINT', 5)
    expect(calls).not.toContain('endNow')
    drained.resolve()
    await settle()
    expect(exits).toEqual([0])
  })

  it.each([
    ['the same signal after more than a second', 'SIGTERM', 1_500],
    ['the other signal, however soon', 'SIGINT', 5],
  ] as const)(
    '%s during the grace means now: endNow, exit 1, whatever drain does next',
    async (_, second, atMs) => {
      const { shutdown, signal, calls, exits, messages, drained, endedNow, settle } = started()
      shutdown.serving()
      signal('SIGTERM', 0)
      signal(second, atMs)
      expect(calls).toEqual(['stopAccepting', `drain ${GRACE_MS}`, 'endNow'])
      expect(messages()).toEqual(['shutting down', 'second signal: stopping now'])
      endedNow.resolve()
      await settle()
      expect(exits).toEqual([1])
      signal(second, atMs + 2_000) // already as fast as it gets
      drained.resolve()
      await settle()
      expect(exits).toEqual([1])
      expect(calls.filter((c) => c === 'endNow')).toHaveLength(1)
    },
  )

  it('a signal before the server listens is acted on once it does', async () => {
    const { shutdown, signal, calls, exits, drained, settle } = started()
    expect(shutdown.accepting).toBe(false)
    signal('SIGTERM', 0)
    expect(calls).toEqual([])
    shutdown.serving()
    expect(calls).toEqual(['stopAccepting', `drain ${GRACE_MS}`])
    drained.resolve()
    await settle()
    expect(exits).toEqual([0])
  })

  it('two different signals before it listens: exit 1 at once, nobody to tell', () => {
    const { signal, calls, exits } = started()
    signal('SIGTERM', 0)
    signal('SIGINT', 10)
    expect(calls).toEqual([])
    expect(exits).toEqual([1])
  })

  it('fail(reason): no grace period, the reason as one stderr line, exit 1', async () => {
    const { shutdown, calls, exits, lines, drained, settle } = started()
    const stderr: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation(((text: string) => {
      stderr.push(text)
      return true
    }) as typeof process.stderr.write)
    shutdown.serving()
    shutdown.fail('workers keep crashing')
    expect(calls).toEqual(['stopAccepting', 'drain 0'])
    expect(lines[0]).toMatchObject({ msg: 'shutting down', reason: 'workers keep crashing' })
    drained.resolve()
    await settle()
    expect(stderr).toEqual(['shutdown-test: workers keep crashing\n'])
    expect(exits).toEqual([1])
  })
})
