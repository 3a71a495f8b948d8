/**
 * Scripted mode through a server going away (DESIGN.md, "Replicas"): told `Error: server shutting
 * down`, or dropped, the client connects again (bounded, with backoff) and sends once more each
 * message whose reply never came; replies are still matched in order within each connection.
 */
import type { Socket } from 'node:net'
import { startServer, withTimeout } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { cleanupAfterEach } from './support/cleanup.ts'
import { ClientProcess, jsonLines, runClient } from './support/client-process.ts'
import { echoes, freePort, onLines, startFakeServer } from './support/servers.ts'

const { started } = cleanupAfterEach()

/**
 * A server whose first connection answers the first message and then, at the second,
 * `goAway(socket)`; every later connection echoes. `seen` holds each connection's lines.
 */
async function serverThatGoesAwayOnce(goAway: (socket: Socket) => void) {
  const seen: string[][] = []
  const server = await startFakeServer((socket) => {
    const lines: string[] = []
    seen.push(lines)
    if (seen.length > 1) {
      onLines(socket, (line) => lines.push(line))
      echoes(socket)
      return
    }
    onLines(socket, (line) => {
      lines.push(line)
      if (lines.length === 1) socket.write(`Echo: ${line}\n`)
      else goAway(socket)
    })
  })
  return { ...server, seen }
}

describe('a client whose server goes away', () => {
  it.each([
    [
      'says it is shutting down',
      (socket: Socket) => socket.end('Error: server shutting down\n'),
      'server shutting down',
    ],
    [
      'resets the connection',
      (socket: Socket) => socket.resetAndDestroy(),
      'connection reset by the server',
    ],
  ])(
    'that %s connects again and sends the unanswered message once more',
    async (_, goAway, reason) => {
      const server = await started(serverThatGoesAwayOnce(goAway))
      const run = await runClient([
        '--port',
        String(server.port),
        '--count',
        '3',
        '--text',
        'm{n}',
        '--json',
      ])
      expect(run.code).toBe(0)
      const events = jsonLines(run.stdout)
      expect(events.map((e) => e.event)).toEqual([
        'connected',
        'reply',
        'reconnecting',
        'connected',
        'reply',
        'reply',
        'left',
        'summary',
      ])
      expect(events[2]).toEqual({
        event: 'reconnecting',
        reason,
        unanswered: 1,
        reconnection: 1,
        of: 5,
      })
      expect(events[3]).toMatchObject({ reconnection: 1 })
      expect(events.filter((e) => e.event === 'reply').map((e) => [e.n, e.reply])).toEqual([
        [1, 'Echo: m1'],
        [2, 'Echo: m2'],
        [3, 'Echo: m3'],
      ])
      expect(events.at(-1)).toMatchObject({ messages: 3, replies: 3, reconnections: 1, resent: 1 })
      expect(server.seen).toEqual([
        ['m1', 'm2'],
        ['m2', 'm3', 'sair'],
      ])
    },
  )

  it('moves to the next server on the same port when a real one is stopped mid-run', async () => {
    const entry = new URL('../../server-threaded/src/main.ts', import.meta.url).pathname
    const port = await freePort()
    const args = ['--port', String(port)]
    // No grace: sessions are told at once, as happens to the slow ones in a rolling update.
    const first = await started(startServer({ entry, args, env: { SHUTDOWN_GRACE_MS: '0' } }))
    const client = new ClientProcess([
      '--port',
      String(port),
      '--count',
      '8',
      '--text',
      'm{n}',
      '--interval-ms',
      '100',
    ])
    await client.waitForOutput('Echo: m3')
    await first.stop()
    await started(startServer({ entry, args }))
    const run = await client.exited
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/reconnecting \(1 of 5\)/)
    expect(run.stdout).toContain(`reconnected to 127.0.0.1:${port}`)
    for (let n = 1; n <= 8; n++) expect(run.stdout).toContain(`Echo: m${n}  (`)
    expect(run.stdout).toMatch(
      /summary: 8 messages, 8 replies; .*; reconnected once, [01] sent again$/m,
    )
  })

  it('a reply repeated on one connection is still a wrong one', async () => {
    const server = await started(
      startFakeServer((socket) =>
        onLines(socket, (line) => socket.write(`Echo: ${line}\nEcho: ${line}\n`)),
      ),
    )
    const run = await runClient(['--port', String(server.port), '--message', 'once', '--json'])
    expect(run.code).toBe(1)
    expect(jsonLines(run.stdout)).toContainEqual({ event: 'unexpected', line: 'Echo: once' })
  })

  it('does not reconnect to a server that sends a line longer than any reply: one error, exit 1', async () => {
    let connections = 0
    const server = await started(
      startFakeServer((socket) => {
        connections++
        onLines(socket, () => socket.write(Buffer.alloc(17 * 1024 * 1024, 'x')))
      }),
    )
    const run = await runClient(['--port', String(server.port), '--message', 'x'])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /error: the server sent a line longer than \d+ bytes \(1 unanswered\)/,
    )
    expect(run.stderr).not.toContain('reconnecting')
    expect(connections).toBe(1)
  })

  it('gives up after --reconnects connections that all went away', async () => {
    const server = await started(startFakeServer((socket) => onLines(socket, () => socket.end())))
    const run = await runClient([
      '--port',
      String(server.port),
      '--message',
      'x',
      '--reconnects',
      '2',
    ])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      'the server closed the connection: reconnecting (1 of 2), sending 1 unanswered again',
    )
    expect(run.stderr).toContain('reconnecting (2 of 2)')
    expect(run.stderr).toContain('error: the server closed the connection (1 unanswered)')
    expect(run.stdout).toContain('1 missing')
    expect(run.stdout).toContain('reconnected 2 times, 2 sent again')
  })
})

describe('signals (what PID 1 in a container needs)', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops at once on %s while still retrying its first connection',
    async (signal) => {
      const port = await freePort()
      // A connect timeout far past the watchdog: only the signal can end this run in time.
      const client = new ClientProcess(
        ['--port', String(port), '--message', 'x', '--connect-timeout-ms', '600000'],
        { timeoutMs: 20_000 },
      )
      await client.waitForOutput('waiting for the server')
      client.child.kill(signal)
      const run = await client.exited
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(`error: stopped by ${signal}`)
    },
  )

  it('exits 143 on SIGTERM in bench mode, which handles no signal itself', async () => {
    let connected = (): void => {}
    const connection = new Promise<void>((resolve) => {
      connected = resolve
    })
    const server = await started(
      startFakeServer((socket) => {
        connected()
        echoes(socket)
      }),
    )
    const client = new ClientProcess(
      ['bench', '--port', String(server.port), '-c', '1', '-d', '600'],
      { timeoutMs: 20_000 },
    )
    await withTimeout(connection, 10_000, 'the bench to connect')
    client.child.kill('SIGTERM')
    const run = await client.exited
    expect(run.code).toBe(143)
  })
})
