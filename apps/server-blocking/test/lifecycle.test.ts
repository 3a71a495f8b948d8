/**
 * Starting and stopping: signals, the grace period, a port already taken, bad settings, the log
 * formats, --help and the metrics endpoint.
 */
import { once } from 'node:events'
import { setTimeout as delay } from 'node:timers/promises'
import { connectClient, withTimeout } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { closedAfterEach, connOf, logOf } from './server.ts'

const open = closedAfterEach()

describe('shutting down', () => {
  it('on SIGTERM stops accepting, tells the waiting clients, lets the session finish and exits 0', async () => {
    const server = await open.server()
    const first = await open.beingServed(server)
    const waiter = await open.client(server)
    await logOf(server, await connOf(server, waiter), 'waiting')

    server.child.kill('SIGTERM')
    await server.waitForLog((l) => l.msg === 'shutting down', '"shutting down"')
    expect((await waiter.readToEnd()).toString()).toBe('Error: server shutting down\n')
    await expect(connectClient(server.port)).rejects.toThrow(/ECONNREFUSED/)
    first.sendLine('after the signal')
    expect(await first.nextLine()).toBe('Echo: after the signal')
    first.sendLine('sair')

    expect(await withTimeout(server.exited, 15_000, 'the server to exit')).toEqual({
      code: 0,
      signal: null,
    })
    expect(server.logs.at(-1)?.msg).toBe('stopped')
  })

  it('after the grace period tells the client still being served, and exits 0', async () => {
    const server = await open.server(['--shutdown-grace-ms', '300'])
    const first = await open.beingServed(server)
    server.child.kill('SIGTERM')
    expect((await first.readToEnd()).toString()).toBe('Error: server shutting down\n')
    expect(await logOf(server, await connOf(server, first), 'session ended')).toMatchObject({
      reason: 'shutdown',
    })
    expect((await withTimeout(server.exited, 15_000, 'the server to exit')).code).toBe(0)
  })

  it('stops as cleanly on SIGINT', async () => {
    const server = await open.server()
    expect(await server.stop('SIGINT')).toEqual({ code: 0, signal: null })
  })

  it('on a second signal tells the client being served at once and exits 1, not waiting out the grace', async () => {
    const server = await open.server(['--shutdown-grace-ms', '600000'])
    const first = await open.beingServed(server)
    server.child.kill('SIGINT')
    await server.waitForLog((l) => l.msg === 'shutting down', '"shutting down"')
    first.sendLine('still served during the grace period')
    expect(await first.nextLine()).toBe('Echo: still served during the grace period')

    expect(await server.stop('SIGTERM')).toEqual({ code: 1, signal: null })
    expect((await first.readToEnd()).toString()).toBe('Error: server shutting down\n')
    expect(await logOf(server, await connOf(server, first), 'session ended')).toMatchObject({
      reason: 'shutdown',
      messages: 2,
    })
    expect(server.logs.at(-1)).toMatchObject({ msg: 'stopped', exitStatus: 1 })
  })
})

describe('one Ctrl-C under npm start (the same signal twice at once)', () => {
  it('is one request: the client being served keeps its grace period', async () => {
    const server = await open.server()
    const first = await open.beingServed(server)
    // What the terminal and npm do with one Ctrl-C: the same signal, twice, back to back.
    server.child.kill('SIGINT')
    server.child.kill('SIGINT')
    await server.waitForLog((l) => l.msg === 'shutting down', '"shutting down"')
    first.sendLine('still served')
    expect(await first.nextLine()).toBe('Echo: still served')
    first.sendLine('sair')
    expect(await withTimeout(server.exited, 15_000, 'the server to exit')).toEqual({
      code: 0,
      signal: null,
    })
    expect(server.logs.some((l) => l.msg === 'second signal: stopping now')).toBe(false)
  })

  it('but the same signal again a second later is a second request: "now", exit 1', async () => {
    const server = await open.server(['--shutdown-grace-ms', '600000'])
    const first = await open.beingServed(server)
    server.child.kill('SIGINT')
    await server.waitForLog((l) => l.msg === 'shutting down', '"shutting down"')
    // A person pressing Ctrl-C again on purpose, past the window that merges npm's copy.
    await delay(1_500)
    expect(await server.stop('SIGINT')).toEqual({ code: 1, signal: null })
    expect((await first.readToEnd()).toString()).toBe('Error: server shutting down\n')
  })
})

describe('starting', () => {
  it('fails with one line and exit 1 when the port is already taken', async () => {
    const first = await open.server()
    const second = open.process(['--host', '127.0.0.1', '--port', String(first.port)])
    expect((await withTimeout(second.exited, 15_000, 'the second server to exit')).code).toBe(1)
    expect(second.stderr).toBe(
      `server-blocking: cannot listen on 127.0.0.1:${first.port}: the port is already in use (is another server running?)\n`,
    )
  })

  it.each([
    [{ PORT: 'abc' }, "server-blocking: PORT must be an integer 0-65535, got 'abc'\n"],
    [{ MAX_WAITING: '-1' }, "server-blocking: MAX_WAITING must be an integer 0-65535, got '-1'\n"],
  ])('refuses the bad setting %j with one line and exit 2', async (env, line) => {
    const server = open.process(['--host', '127.0.0.1'], env)
    expect((await withTimeout(server.exited, 15_000, 'the server to exit')).code).toBe(2)
    expect(server.stderr).toBe(line)
  })

  it('refuses a bad --max-waiting flag, naming the flag', async () => {
    const server = open.process(['--port', '0', '--max-waiting', 'lots'])
    expect((await withTimeout(server.exited, 15_000, 'the server to exit')).code).toBe(2)
    expect(server.stderr).toBe(
      "server-blocking: --max-waiting must be an integer 0-65535, got 'lots'\n",
    )
  })

  it('lists its settings with --help, --max-waiting among them, and exits 0', async () => {
    const server = open.process(['--help'])
    expect((await withTimeout(server.exited, 15_000, 'the help to print')).code).toBe(0)
    const help = server.otherOutput.join('\n')
    expect(help).toMatch(/--max-waiting V\s+MAX_WAITING/)
    expect(help).toMatch(/--port V\s+PORT/)
  })

  it('logs readable lines, not JSON, with LOG_FORMAT=pretty', async () => {
    const server = open.process(['--host', '127.0.0.1', '--port', '0'], { LOG_FORMAT: 'pretty' })
    let output = ''
    server.child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    await withTimeout(
      (async () => {
        while (!output.includes('listening')) await once(server.child.stdout, 'data')
      })(),
      15_000,
      'a pretty "listening" line',
    )
    expect(output).toMatch(/INFO.*listening/)
    expect(server.logs).toEqual([])
  })
})

describe('the metrics endpoint', () => {
  it('counts the client being served and the one waiting, and answers /healthz', async () => {
    const server = await open.server(['--metrics-port', '0'])
    const { port } = await server.waitForLog(
      (l) => l.msg === 'metrics endpoint listening',
      'the metrics endpoint',
    )
    await open.beingServed(server)
    const waiter = await open.client(server)
    await logOf(server, await connOf(server, waiter), 'waiting')

    const health = await fetch(`http://127.0.0.1:${port}/healthz`)
    expect(health.status).toBe(200)
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    expect(metrics).toContain('echolab_connections_active{server="server-blocking"} 1\n')
    expect(metrics).toContain('echolab_connections_waiting{server="server-blocking"} 1\n')
    expect(metrics).toContain('echolab_messages_total{server="server-blocking"} 1\n')
  })
})
