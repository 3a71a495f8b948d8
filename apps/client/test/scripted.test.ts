/**
 * Scripted mode end to end: the real client program against every server (ours and the
 * reference ones), against servers that misbehave, and against none. The exit status is the
 * contract a container relies on: 0 only if every message got its exact reply.
 */

import { connectClient } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { cleanupAfterEach } from './support/cleanup.ts'
import { ClientProcess, jsonLines, runClient } from './support/client-process.ts'
import {
  ECHO_SERVERS,
  echoes,
  freePort,
  onLines,
  startFakeServer,
  startOurServer,
} from './support/servers.ts'

const { started } = cleanupAfterEach()

describe.each(Object.keys(ECHO_SERVERS))('against %s', (name) => {
  it('sends every message, prints each reply and a summary, and exits 0', async () => {
    const server = await started(ECHO_SERVERS[name]!())
    const run = await runClient([
      '--port',
      String(server.port),
      '--message',
      'Olá, meu amigo Servidor',
      '--message',
      '',
      '--message',
      '  spaces kept  ',
    ])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toBe(`connected to 127.0.0.1:${server.port}`)
    expect(lines[1]).toMatch(/^Echo: Olá, meu amigo Servidor {2}\(\d+\.\d+ m?s\)$/)
    expect(lines[2]).toMatch(/^Echo: {3}\(/)
    expect(lines[3]).toMatch(/^Echo: {3}spaces kept {4}\(/)
    expect(lines[4]).toMatch(
      /^summary: 3 messages, 3 replies; round trip min [\d.]+ m?s, avg [\d.]+ m?s, max [\d.]+ m?s; first reply after [\d.]+ m?s$/,
    )
  })

  it('sends the lines piped on stdin as they are, bytes included, one JSON line per event', async () => {
    const server = await started(ECHO_SERVERS[name]!())
    const stdin = Buffer.concat([
      Buffer.from('first\r\n'),
      Buffer.from([0x6e, 0xff, 0x00, 0x0a]), // invalid UTF-8 and a NUL: bytes are opaque
      Buffer.from('last without LF'),
    ])
    const run = await runClient(['--port', String(server.port), '--json'], { stdin })
    expect(run.code).toBe(0)
    const events = jsonLines(run.stdout)
    expect(events.map((e) => e.event)).toEqual([
      'connected',
      'reply',
      'reply',
      'reply',
      'left',
      'summary',
    ])
    expect(events[1]).toMatchObject({ n: 1, message: 'first', reply: 'Echo: first', ok: true })
    expect(events[3]).toMatchObject({ n: 3, reply: 'Echo: last without LF', ok: true })
    expect(events[5]).toMatchObject({
      messages: 3,
      replies: 3,
      wrongReplies: 0,
      missingReplies: 0,
      ok: true,
    })
  })
})

describe('scripted mode for containers (settings from the environment only)', () => {
  it('sends CLIENT_COUNT messages made from CLIENT_TEXT, paced by CLIENT_INTERVAL_MS', async () => {
    const server = await started(startOurServer('server-threaded'))
    const run = await runClient([], {
      env: {
        SERVER_HOST: '127.0.0.1',
        SERVER_PORT: String(server.port),
        CLIENT_COUNT: '3',
        CLIENT_TEXT: 'from {name}, message {n}',
        CLIENT_NAME: 'client-7',
        CLIENT_INTERVAL_MS: '50',
      },
    })
    expect(run.code).toBe(0)
    for (const n of [1, 2, 3]) expect(run.stdout).toContain(`Echo: from client-7, message ${n}  (`)
    expect(run.stdout).toContain('summary: 3 messages, 3 replies')
    const logged = await server.waitForLogs(
      (l) => l.msg === 'message',
      3,
      'the server to log 3 messages',
    )
    expect(logged.map((l) => JSON.stringify(l))).toEqual(
      expect.arrayContaining([expect.stringContaining('from client-7, message 2')]),
    )
  })

  it('takes CLIENT_MESSAGES one per line and CLIENT_JSON', async () => {
    const server = await started(startOurServer('server-blocking'))
    const run = await runClient([], {
      env: { SERVER_PORT: String(server.port), CLIENT_MESSAGES: 'um\ndois\n', CLIENT_JSON: 'yes' },
    })
    expect(run.code).toBe(0)
    const replies = jsonLines(run.stdout).filter((e) => e.event === 'reply')
    expect(replies.map((e) => e.reply)).toEqual(['Echo: um', 'Echo: dois'])
  })

  it('with nothing configured and stdin at /dev/null sends the lab message once', async () => {
    const server = await started(startOurServer('server-threaded'))
    const run = await runClient([], { env: { SERVER_PORT: String(server.port) } })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Echo: Olá, meu amigo Servidor  (')
    expect(run.stdout).toContain('summary: 1 message, 1 reply')
  })

  it('flags win over the environment', async () => {
    const server = await started(startOurServer('server-threaded'))
    const run = await runClient(['--port', String(server.port), '--text', 'flag {n}'], {
      env: { SERVER_PORT: '1', CLIENT_TEXT: 'env {n}' },
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Echo: flag 1  (')
  })

  it('stops at a quit word among the messages and still ends cleanly', async () => {
    const server = await started(startOurServer('server-threaded'))
    const run = await runClient([
      '--port',
      String(server.port),
      '--message',
      'a',
      '--message',
      ' SAIR ',
      '--message',
      'b',
    ])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('summary: 1 message, 1 reply')
    expect(run.stdout).not.toContain('Echo: b')
    await server.waitForLog((l) => l.msg === 'session ended', 'the session to end')
  })

  it('waits for the server while it starts, then talks to it', async () => {
    const port = await freePort()
    const client = new ClientProcess([
      '--port',
      String(port),
      '--message',
      'late',
      '--connect-timeout-ms',
      '20000',
    ])
    await client.waitForOutput('waiting for the server')
    await started(startFakeServer(echoes, port))
    const result = await client.exited
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Echo: late  (')
  })

  it('waits its turn at a blocking server busy with another client, and says how long', async () => {
    const server = await started(startOurServer('server-blocking'))
    const first = await connectClient(server.port)
    first.sendLine('first in line')
    expect(await first.nextLine()).toBe('Echo: first in line')
    const second = runClient(['--port', String(server.port), '--message', 'second', '--json'])
    await server.waitForLog((l) => l.msg === 'waiting', 'the second client to wait in the queue')
    first.sendLine('sair')
    await first.closed
    const run = await second
    expect(run.code).toBe(0)
    const summary = jsonLines(run.stdout).at(-1)
    expect(summary).toMatchObject({ event: 'summary', messages: 1, replies: 1, ok: true })
    expect(summary?.firstReplyMs).toBeGreaterThan(0)
  })

  it('says it is waiting in line while the blocking server serves another, then when its turn came', async () => {
    const server = await started(startOurServer('server-blocking'))
    const first = await connectClient(server.port)
    first.sendLine('first in line')
    expect(await first.nextLine()).toBe('Echo: first in line')
    const second = new ClientProcess(['--port', String(server.port), '--message', 'second'])
    await second.waitForOutput('waiting in line: no reply after 1.00 s')
    expect(second.stdout).not.toContain('Echo: second')
    first.sendLine('sair')
    const run = await second.exited
    expect(run.code).toBe(0)
    const lines = run.stdout.split('\n')
    const turn = lines.findIndex((line) => line.startsWith('our turn: the first reply came after '))
    expect(turn).toBeGreaterThan(
      lines.indexOf('waiting in line: no reply after 1.00 s, the server is serving another client'),
    )
    expect(lines[turn + 1]).toMatch(/^Echo: second {2}\(/)
  })

  it('says nothing about a line when the first reply comes at once', async () => {
    const server = await started(startOurServer('server-threaded'))
    const run = await runClient(['--port', String(server.port), '--message', 'alone', '--json'])
    expect(run.code).toBe(0)
    const events = jsonLines(run.stdout).map((e) => e.event)
    expect(events).not.toContain('waiting-in-line')
    expect(events).not.toContain('turn')
  })

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s stops sending, says sair, prints the summary and exits 1',
    async (signal) => {
      const server = await started(startOurServer('server-threaded'))
      const client = new ClientProcess([
        '--port',
        String(server.port),
        '--count',
        '1000',
        '--text',
        'm{n}',
        '--interval-ms',
        '100',
      ])
      await client.waitForOutput('Echo: m2')
      client.child.kill(signal)
      const run = await client.exited
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(`error: stopped by ${signal}`)
      expect(run.stdout).toMatch(/summary: (\d+) messages, \1 replies/)
      const ended = await server.waitForLog((l) => l.msg === 'session ended', 'the session to end')
      expect(ended.reason).toBe('quit')
    },
  )

  it('with --no-wait sends on schedule and still matches every reply in order', async () => {
    const server = await started(startOurServer('server-threaded'))
    const run = await runClient([
      '--port',
      String(server.port),
      '--count',
      '20',
      '--text',
      'm{n}',
      '--no-wait',
      '--json',
    ])
    expect(run.code).toBe(0)
    const replies = jsonLines(run.stdout).filter((e) => e.event === 'reply')
    expect(replies.map((e) => e.reply)).toEqual(
      Array.from({ length: 20 }, (_, i) => `Echo: m${i + 1}`),
    )
  })
})

describe('what makes a scripted run fail (exit 1)', () => {
  it('a server that answers wrongly', async () => {
    const server = await started(
      startFakeServer((socket) =>
        onLines(socket, (line) => socket.write(`Echo: ${line.toUpperCase()}\n`)),
      ),
    )
    const run = await runClient([
      '--port',
      String(server.port),
      '--message',
      'ok',
      '--message',
      'OK',
    ])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('wrong reply to message 1: expected "Echo: ok", got "Echo: OK"')
    expect(run.stdout).toContain('summary: 2 messages, 1 reply, 1 wrong')
  })

  it('a server that closes before replying, with no reconnection allowed', async () => {
    const server = await started(startFakeServer((socket) => onLines(socket, () => socket.end())))
    const run = await runClient([
      '--port',
      String(server.port),
      '--message',
      'anyone there?',
      '--reconnects',
      '0',
    ])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('the server closed the connection (1 unanswered)')
    expect(run.stdout).toContain('summary: 1 message, 0 replies, 1 missing')
  })

  it('a connection reset in the middle is reported, not a stack trace', async () => {
    const server = await started(
      startFakeServer((socket) => onLines(socket, () => socket.resetAndDestroy())),
    )
    const run = await runClient([
      '--port',
      String(server.port),
      '--message',
      'x',
      '--reconnects',
      '0',
    ])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /error: (connection lost: connection reset by the server|the server closed the connection)/,
    )
    expect(run.stderr).not.toContain('    at ')
  })

  it('an Error: line from the server', async () => {
    const server = await started(
      startFakeServer((socket) => socket.end('Error: server busy (128 clients waiting)\n')),
    )
    const run = await runClient(['--port', String(server.port), '--message', 'hello', '--json'])
    expect(run.code).toBe(1)
    const events = jsonLines(run.stdout)
    expect(events).toContainEqual({
      event: 'server-error',
      line: 'Error: server busy (128 clients waiting)',
    })
    expect(events.at(-1)).toMatchObject({ event: 'summary', ok: false })
  })

  it('a real server refusing a message over its size limit', async () => {
    const server = await started(startOurServer('server-threaded'))
    const run = await runClient(['--port', String(server.port), '--message', 'x'.repeat(70_000)])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('the server says: Error: message too long (limit 65536 bytes)')
  })

  it('a stdin line longer than any server takes: the lines before it answered, one error line, exit 1', async () => {
    const server = await started(startOurServer('server-threaded'))
    const stdin = Buffer.concat([Buffer.from('hi\n'), Buffer.alloc(17_000_000, 'x')])
    const run = await runClient(['--port', String(server.port)], { stdin })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/^Echo: hi {2}\(/m)
    expect(run.stderr).toBe(
      'error: cannot read messages: line 2 of stdin is longer than 16777216 bytes, the most a server can take as one message\n',
    )
  })

  it('a server that never replies, after --reply-timeout-ms', async () => {
    const server = await started(startFakeServer(() => {}))
    const run = await runClient([
      '--port',
      String(server.port),
      '--message',
      'hello?',
      '--reply-timeout-ms',
      '300',
    ])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('no reply to message 1 within 300 ms')
    expect(run.stdout).toContain('1 missing')
  })

  it('no server at all, after retrying for --connect-timeout-ms', async () => {
    const port = await freePort()
    const run = await runClient([
      '--port',
      String(port),
      '--message',
      'x',
      '--connect-timeout-ms',
      '500',
    ])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      new RegExp(
        `error: cannot connect to 127\\.0\\.0\\.1:${port} \\(connection refused: is the server running\\?; \\d+ attempts over`,
      ),
    )
  })

  it('no server at all, as a JSON event', async () => {
    const port = await freePort()
    const run = await runClient([
      '--port',
      String(port),
      '--connect-timeout-ms',
      '0',
      '--json',
      '--message',
      'x',
    ])
    expect(run.code).toBe(1)
    expect(jsonLines(run.stdout)).toContainEqual({
      event: 'unreachable',
      reason: `cannot connect to 127.0.0.1:${port} (connection refused: is the server running?; 1 attempt)`,
    })
  })
})
