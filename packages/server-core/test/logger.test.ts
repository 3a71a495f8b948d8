import { once } from 'node:events'
import { hostname } from 'node:os'
import { threadId, Worker } from 'node:worker_threads'
import { DEFAULT_WAIT_MS, withTimeout } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import {
  createLogger,
  isLogLinesMessage,
  type LogSink,
  resolveLogFormat,
} from '../src/logs/logger.ts'
import type { LogWorkerData } from './fixtures/log-worker.ts'

/** A sink that keeps the lines it is given. */
function memorySink(): LogSink & { lines: string[] } {
  const lines: string[] = []
  return { lines, write: (line: string) => void lines.push(line), flushSync: () => {} }
}

describe('createLogger', () => {
  it('writes one JSON line per event with the level label, service, host name, pid and thread', () => {
    const sink = memorySink()
    createLogger({ service: 'echo-test', level: 'info', sink }).info({ port: 5000 }, 'listening')
    expect(sink.lines).toHaveLength(1)
    expect(sink.lines[0]?.endsWith('\n')).toBe(true)
    const line = JSON.parse(sink.lines[0] ?? '')
    expect(line).toMatchObject({
      level: 'info',
      service: 'echo-test',
      hostname: hostname(),
      pid: process.pid,
      thread: threadId,
      port: 5000,
      msg: 'listening',
    })
    expect(new Date(line.time).toISOString()).toBe(line.time)
  })

  it('gives child loggers the connection id on every line', () => {
    const sink = memorySink()
    const conn = createLogger({ service: 'echo-test', level: 'info', sink }).child({ conn: 7 })
    conn.info('connected')
    conn.warn('session ended')
    expect(sink.lines.map((line) => JSON.parse(line))).toMatchObject([
      { conn: 7, thread: threadId, level: 'info', msg: 'connected' },
      { conn: 7, thread: threadId, level: 'warn', msg: 'session ended' },
    ])
  })

  it('leaves out lines below its level', () => {
    const sink = memorySink()
    const log = createLogger({ service: 'echo-test', level: 'warn', sink })
    log.info('hidden')
    log.debug('hidden too')
    log.error('shown')
    expect(sink.lines.map((line) => JSON.parse(line).msg)).toEqual(['shown'])
  })
})

describe('resolveLogFormat', () => {
  it('keeps an explicit json or pretty', () => {
    expect(resolveLogFormat('json', true)).toBe('json')
    expect(resolveLogFormat('pretty', false)).toBe('pretty')
  })

  it('turns auto into pretty on a terminal and JSON anywhere else', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty')
    expect(resolveLogFormat('auto', false)).toBe('json')
  })
})

/** Runs the log worker; returns the batches of lines it posted before it said it was done. */
async function runLogWorker(data: LogWorkerData) {
  const worker = new Worker(new URL('./fixtures/log-worker.ts', import.meta.url), {
    workerData: data,
  })
  const workerThread = worker.threadId // -1 once it has exited
  const batches: string[] = []
  let isDone = false
  const done = new Promise<void>((resolve, reject) => {
    worker.on('error', reject)
    worker.on('message', (message: unknown) => {
      // A batch posted after "done" is one the worker would have lost had it exited there.
      if (isLogLinesMessage(message) && !isDone) batches.push(message.lines)
      else if ((message as { type?: string }).type === 'done') {
        isDone = true
        resolve()
      }
    })
  })
  const exited = once(worker, 'exit')
  await withTimeout(done, DEFAULT_WAIT_MS, 'done from the log worker')
  await withTimeout(exited, DEFAULT_WAIT_MS, 'exit of the log worker')
  const lines = batches.flatMap((batch) => batch.split('\n').slice(0, -1))
  return { batches, lines: lines.map((line) => JSON.parse(line)), threadId: workerThread }
}

describe('LineForwarder in a worker thread', () => {
  it('posts every line to the parent, intact and in order, none lost after flushSync', async () => {
    const {
      lines,
      batches,
      threadId: workerThread,
    } = await runLogWorker({
      turns: [500],
      flushSync: true,
      defaultSink: false,
    })
    expect(lines).toHaveLength(500)
    lines.forEach((line, n) => {
      expect(line).toMatchObject({
        n,
        msg: `line ${n}: Olá\n"quoted"`,
        service: 'log-worker',
        level: 'info',
        thread: workerThread,
      })
    })
    // Lines of one turn of the worker's event loop travel together.
    expect(batches).toHaveLength(1)
  })

  it('posts one batch per turn of the event loop', async () => {
    const { lines, batches } = await runLogWorker({
      turns: [3, 1, 2],
      flushSync: false,
      defaultSink: false,
    })
    expect(lines.map((line) => line.n)).toEqual([0, 1, 2, 3, 4, 5])
    expect(batches.map((batch) => batch.split('\n').length - 1)).toEqual([3, 1, 2])
  })

  it('is the sink a logger created in a worker gets by default', async () => {
    const { lines, threadId: workerThread } = await runLogWorker({
      turns: [2],
      flushSync: false,
      defaultSink: true,
    })
    expect(lines).toMatchObject([
      { n: 0, thread: workerThread },
      { n: 1, thread: workerThread },
    ])
  })
})
