/**
 * Worker crashes, caused through the test-only fault hook (ECHOLAB_TEST_FAULTS=1 at start, then
 * SIGUSR2: the main thread makes one worker throw). Nothing on the network can reach it.
 */
import { connectClient, type LineClient, type RunningServer, withTimeout } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { connectedLineOf, startThreadedServer } from './server.ts'

const FAULTS = { ECHOLAB_TEST_FAULTS: '1' }

/** Connects clients until some are on each of the server's two threads (at most `max`). */
async function clientsOnBothThreads(server: RunningServer, max = 60) {
  const byThread = new Map<number, LineClient[]>()
  for (let n = 0; n < max && byThread.size < 2; n++) {
    const client = await connectClient(server.port)
    const { thread } = await connectedLineOf(server, client)
    byThread.set(thread as number, [...(byThread.get(thread as number) ?? []), client])
  }
  return byThread
}

async function echoes(client: LineClient, text: string): Promise<void> {
  client.sendLine(text)
  expect(await client.nextLine()).toBe(`Echo: ${text}`)
}

describe('a worker that crashes', () => {
  it('is replaced while the other thread keeps serving, and its clients can reconnect', async () => {
    const server = await startThreadedServer(['--threads', '2'], FAULTS)
    const byThread = await clientsOnBothThreads(server)
    try {
      expect(byThread.size).toBe(2)
      server.child.kill('SIGUSR2')
      const crashed = await server.waitForLog(
        (line) => line.msg === 'worker crashed',
        'the crash in the log',
      )
      expect(crashed).toMatchObject({
        level: 'error',
        err: { message: expect.stringContaining('test fault') },
      })
      const lost = byThread.get(crashed.worker as number)!
      const [survivors] = [...byThread].filter(([thread]) => thread !== crashed.worker)
      expect(lost.length).toBeGreaterThan(0)

      // The crashed thread's connections are gone; the others did not notice.
      for (const client of lost) await withTimeout(client.closed, 10_000, 'a lost client to close')
      for (const [n, client] of survivors![1].entries()) await echoes(client, `survivor ${n}`)

      await server.waitForLog(
        (line) => line.msg === 'worker replaced' && line.replaced === crashed.worker,
        'the crashed worker to be replaced',
        15_000,
      )
      for (const n of lost.keys()) {
        const again = await connectClient(server.port)
        survivors![1].push(again)
        await echoes(again, `reconnected ${n}`)
      }
      // The dead worker's connections no longer count as active. Ids are handed out in order of
      // arrival, and each client here connected once the one before it was logged or answered
      // (the reconnected clients are in `byThread` too, with the survivors).
      const connections = [...byThread.values()].reduce((sum, c) => sum + c.length, 0)
      const last = await server.waitForLog(
        (line) => line.msg === 'connected' && line.conn === connections,
        'the last reconnection in the log',
      )
      expect(last.active).toBe(survivors![1].length)
      expect(await server.stop()).toEqual({ code: 0, signal: null })
    } finally {
      for (const clients of byThread.values()) for (const client of clients) client.destroy()
      server.kill()
    }
  })

  it('that keeps crashing stops the server with one line and exit status 1', async () => {
    const server = await startThreadedServer(['--threads', '2'], FAULTS)
    try {
      // The supervisor gives up at the 5th crash within a minute (SUPERVISION_DEFAULTS).
      for (let crash = 1; crash < 5; crash++) {
        server.child.kill('SIGUSR2')
        await server.waitForLogs(
          (line) => line.msg === 'worker replaced',
          crash,
          `replacement ${crash}`,
          15_000,
        )
      }
      server.child.kill('SIGUSR2')
      const exit = await withTimeout(server.exited, 15_000, 'the server to give up')
      expect(exit).toEqual({ code: 1, signal: null })
      expect(server.stderr).toBe(
        'server-threaded: workers keep crashing (5 crashes within 60 s): stopping\n',
      )
      expect(server.logs.find((line) => line.level === 'fatal')).toMatchObject({
        msg: 'worker crashed',
      })
      expect(server.logs.at(-1)?.msg).toBe('stopped')
    } finally {
      server.kill()
    }
  })
})
