/**
 * Interactive mode in a real terminal (tmux): what a person sees and what their keys do. Every
 * wait is for text on the screen, with a bound.
 */

import { connectClient } from '@echolab/testkit'
import { Terminal } from '@echolab/testkit/terminal'
import { describe, expect, it } from 'vitest'
import { cleanupAfterEach } from './support/cleanup.ts'
import { CLIENT_MAIN, cleanEnv } from './support/client-process.ts'
import {
  freePort,
  onLines,
  startFakeServer,
  startOurServer,
  startPlainEchoServer,
  type TestServer,
} from './support/servers.ts'

const { started, defer } = cleanupAfterEach()

async function client(port: number, env: Record<string, string> = {}): Promise<Terminal> {
  const terminal = await Terminal.open(
    [process.execPath, CLIENT_MAIN, '--port', String(port)],
    cleanEnv(env),
  )
  defer(() => terminal.close())
  return terminal
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: colours are escape sequences
const COLOUR = /\x1b\[[\d;]*3\dm/
const ROUND_TRIP = String.raw`\(\d+(\.\d+)? m?s\)`

describe('interactive mode in a terminal', () => {
  it('says where it is connected, prompts, and prints each reply with its round-trip time', async () => {
    const server = await started(startOurServer('server-threaded'))
    const terminal = await client(server.port)
    await terminal.waitFor(
      `connected to 127.0.0.1:${server.port}; type a message, sair or Ctrl-D to leave\n> `,
    )
    await terminal.type('Olá, meu amigo Servidor')
    await terminal.press('Enter')
    await terminal.waitFor(
      new RegExp(`> Olá, meu amigo Servidor\nEcho: Olá, meu amigo Servidor  ${ROUND_TRIP}\n> $`),
    )
    await server.waitForLog((l) => l.msg === 'message', 'the server to log the message')
  })

  it('sair leaves cleanly: the server ends the session and keeps listening', async () => {
    const server = await started(startOurServer('server-blocking'))
    const terminal = await client(server.port)
    await terminal.waitFor('> ')
    await terminal.type('sair')
    await terminal.press('Enter')
    await terminal.waitFor(`disconnected from 127.0.0.1:${server.port}`)
    expect(await terminal.exitStatus()).toBe(0)
    await server.waitForLog((l) => l.msg === 'session ended', 'the server to end the session')
    const next = await connectClient(server.port)
    next.sendLine('still there?')
    expect(await next.nextLine()).toBe('Echo: still there?')
    next.destroy()
  })

  it.each([
    ['Ctrl-D at an empty prompt', 'C-d', ''],
    ['Ctrl-C, even with a line half typed,', 'C-c', 'half-typed'],
  ])('%s leaves cleanly too', async (_, key, typed) => {
    const server = await started(startOurServer('server-threaded'))
    const terminal = await client(server.port)
    await terminal.waitFor('> ')
    await terminal.type('one')
    await terminal.press('Enter')
    await terminal.waitFor('Echo: one')
    if (typed) await terminal.type(typed)
    await terminal.press(key)
    await terminal.waitFor(`disconnected from 127.0.0.1:${server.port}`)
    expect(await terminal.exitStatus()).toBe(0)
    await server.waitForLog((l) => l.msg === 'session ended', 'the server to end the session')
  })

  describe.each<[string, () => Promise<TestServer>]>([
    ['our server-blocking', () => startOurServer('server-blocking')],
    [
      'a plain echo server serving one client at a time',
      () => startPlainEchoServer('one at a time'),
    ],
  ])('against %s serving another client', (_, startBlocking) => {
    it('says the server may be busy, then prints the reply once the other client leaves', async () => {
      const server = await started(startBlocking())
      const first = await connectClient(server.port)
      defer(async () => first.destroy())
      first.sendLine('I was here first')
      expect(await first.nextLine()).toBe('Echo: I was here first')

      const terminal = await client(server.port)
      await terminal.waitFor('> ')
      await terminal.type('hello?')
      await terminal.press('Enter')
      const busy = await terminal.waitFor(
        'no reply after 1.00 s: the server may be busy with another client; still waiting…',
      )
      expect(busy).not.toContain('Echo: hello?')

      first.sendLine('sair')
      await first.closed
      const answered = await terminal.waitFor(
        /still waiting…\nEcho: hello\? {2}\((\d+\.\d+) s\)\n> $/,
      )
      expect(
        Number(answered.match(/Echo: hello\? {2}\((\d+\.\d+) s\)/)?.[1]),
      ).toBeGreaterThanOrEqual(1)
    })
  })

  it('Ctrl-C while queued at a busy blocking server leaves without waiting for a turn', async () => {
    const server = await started(startOurServer('server-blocking'))
    const first = await connectClient(server.port)
    defer(async () => first.destroy())
    first.sendLine('mine')
    expect(await first.nextLine()).toBe('Echo: mine')

    const terminal = await client(server.port)
    await terminal.waitFor('> ')
    await terminal.type('let me in')
    await terminal.press('Enter')
    await terminal.waitFor('the server may be busy with another client')
    await terminal.press('C-c')
    await terminal.waitFor('leaving; 1 reply still owed (Ctrl-C to stop waiting)')
    await terminal.waitFor(`disconnected from 127.0.0.1:${server.port}`)
    expect(await terminal.exitStatus()).toBe(0)
    // The client that left is nobody's problem: once the first one is done, the next is served.
    first.sendLine('sair')
    await first.closed
    const next = await connectClient(server.port)
    defer(async () => next.destroy())
    next.sendLine('after them')
    expect(await next.nextLine()).toBe('Echo: after them')
  })

  it('shows an Error: line as an error and reports the dropped connection, exit 1', async () => {
    const server = await started(
      startFakeServer((socket) =>
        onLines(socket, () => socket.end('Error: server shutting down\n')),
      ),
    )
    const terminal = await client(server.port)
    await terminal.waitFor('> ')
    await terminal.type('hi')
    await terminal.press('Enter')
    const screen = await terminal.waitFor('error: the server closed the connection')
    expect(screen).toContain('\nError: server shutting down\n')
    expect(screen).not.toContain('    at ')
    expect(await terminal.exitStatus()).toBe(1)
  })

  it("a line over the server's size limit: the server's refusal as an error, no stack trace, exit 1", async () => {
    const server = await started(startOurServer('server-threaded', ['--max-message-bytes', '16']))
    const terminal = await client(server.port)
    await terminal.waitFor('> ')
    await terminal.type('this line is longer than sixteen bytes')
    await terminal.press('Enter')
    const screen = await terminal.waitFor('error: the server closed the connection')
    expect(screen).toContain('\nError: message too long (limit 16 bytes)\n')
    expect(screen).not.toContain('    at ')
    expect(await terminal.exitStatus()).toBe(1)
  })

  it('reports a server that goes away, not a stack trace', async () => {
    const server = await started(
      startFakeServer((socket) => onLines(socket, () => socket.resetAndDestroy())),
    )
    const terminal = await client(server.port)
    await terminal.waitFor('> ')
    await terminal.type('hi')
    await terminal.press('Enter')
    const screen = await terminal.waitFor(
      /error: (connection lost: connection reset by the server|the server closed the connection)/,
    )
    expect(screen).not.toContain('    at ')
    expect(await terminal.exitStatus()).toBe(1)
  })

  it('says plainly when there is no server to talk to', async () => {
    const port = await freePort()
    const terminal = await Terminal.open(
      [process.execPath, CLIENT_MAIN, '--port', String(port), '--connect-timeout-ms', '300'],
      cleanEnv(),
    )
    defer(() => terminal.close())
    await terminal.waitFor(
      `error: cannot connect to 127.0.0.1:${port} (connection refused: is the server running?`,
    )
    expect(await terminal.exitStatus()).toBe(1)
  })

  it('uses colours on a terminal, and none with NO_COLOR', async () => {
    const server = await started(startOurServer('server-threaded'))
    const coloured = await client(server.port)
    const plain = await client(server.port, { NO_COLOR: '1' })
    for (const terminal of [coloured, plain]) {
      await terminal.waitFor('> ')
      await terminal.type('colour?')
      await terminal.press('Enter')
      await terminal.waitFor('Echo: colour?')
    }
    const echoLine = async (terminal: Terminal): Promise<string | undefined> =>
      (await terminal.screen({ colours: true }))
        .split('\n')
        .find((l) => l.includes('Echo: colour?'))
    expect(await echoLine(coloured)).toMatch(COLOUR)
    expect(await echoLine(plain)).toBeDefined()
    expect(await plain.screen({ colours: true })).not.toMatch(COLOUR)
  })
})
