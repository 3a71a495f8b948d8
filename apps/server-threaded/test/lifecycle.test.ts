/**
 * Starting and stopping: a busy port and a bad setting each end the program with one line, the
 * client limit holds across threads, and SIGTERM lets sessions finish within the grace period,
 * then tells the rest the server is shutting down and exits 0.
 */
import { createServer, type Socket } from 'node:net'
import { availableParallelism } from 'node:os'
import {
  connectClient,
  connectSocket,
  freePort,
  LineClient,
  ServerProcess,
  withTimeout,
} from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { connectClients, connectedLineOf, ENTRY, startThreadedServer } from './server.ts'

/** Twice the cores, at least 4 (README: "Settings"). */
const MOST_THREADS = Math.max(4, 2 * availableParallelism())

/** Runs the server with `args` and `env` until it exits by itself. */
async function runToExit(args: readonly string[], env: Record<string, string> = {}) {
  const process = new ServerProcess(ENTRY, args, env)
  const exit = await withTimeout(process.exited, 20_000, 'the server to exit by itself')
  return { ...exit, stderr: process.stderr, logs: process.logs }
}

/** Tries to connect, back to back, until a connection is accepted (or the server exits). */
async function firstConnection(port: number, server: ServerProcess): Promise<Socket> {
  let exited = false
  void server.exited.then(() => {
    exited = true
  })
  while (!exited) {
    try {
      return await connectSocket(port)
    } catch {
      // ECONNREFUSED: not listening yet; try again at once, as a tight readiness loop would.
    }
  }
  throw new Error(`the server exited before its port accepted a connection: ${server.stderr}`)
}

describe('starting', () => {
  it('refuses a port another instance listens on, with one line and exit status 1', async () => {
    const first = await startThreadedServer(['--threads', '2'])
    try {
      const second = await runToExit(['--host', '127.0.0.1', '--port', String(first.port)])
      expect(second.code).toBe(1)
      expect(second.stderr).toBe(
        `server-threaded: cannot listen on 127.0.0.1:${first.port}: the port is already in use (is another server running?)\n`,
      )
      expect(second.logs.some((line) => line.msg === 'listening')).toBe(false)
      // The first instance still has the port to itself and serves.
      const client = await connectClient(first.port)
      client.sendLine('still mine')
      expect(await client.nextLine()).toBe('Echo: still mine')
      client.destroy()
    } finally {
      await first.stop()
    }
  })

  it('refuses a port a program without reusePort listens on, the same way', async () => {
    const other = createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    const { port } = other.address() as { port: number }
    try {
      const result = await runToExit(['--host', '127.0.0.1', '--port', String(port)])
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(
        `server-threaded: cannot listen on 127.0.0.1:${port}: the port is already in use (is another server running?)\n`,
      )
    } finally {
      other.close()
    }
  })

  it('stops with one line when --host is not an address of this machine', async () => {
    // 192.0.2.1 is reserved for documentation (RFC 5737): never a real host's address.
    const result = await runToExit(['--host', '192.0.2.1', '--port', '5000'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      'server-threaded: cannot listen on 192.0.2.1:5000: no such address on this machine\n',
    )
  })

  it('serves the very first connection its port accepts (a "port open" check means ready)', async () => {
    const port = await freePort()
    const server = new ServerProcess(ENTRY, ['--host', '127.0.0.1', '--port', String(port)], {})
    try {
      // What a deploy script does: try to connect until the port answers, then use it at once.
      const client = new LineClient(
        await withTimeout(firstConnection(port, server), 20_000, 'the port to open'),
      )
      client.sendLine('first')
      expect(await client.nextLine()).toBe('Echo: first')
      client.destroy()
    } finally {
      await server.stop()
    }
  })

  it.each([
    [
      ['--threads', '0'],
      {},
      `server-threaded: --threads must be an integer 1-${MOST_THREADS}, got '0'\n`,
    ],
    [
      [],
      { THREADS: 'many' },
      `server-threaded: THREADS must be an integer 1-${MOST_THREADS}, got 'many'\n`,
    ],
    [
      ['--threads', String(MOST_THREADS + 1)],
      {},
      `server-threaded: --threads must be an integer 1-${MOST_THREADS}, got '${MOST_THREADS + 1}'\n`,
    ],
    [
      ['--max-clients', '0'],
      {},
      "server-threaded: --max-clients must be an integer 1-1000000, got '0'\n",
    ],
    [
      ['--port', '-1'],
      {},
      `server-threaded: Option '--port' argument is ambiguous. Did you forget to specify the option argument for '--port'? To specify an option argument starting with a dash use '--port=-XYZ' (see --help)\n`,
    ],
    [[], { PORT: '70000' }, "server-threaded: PORT must be an integer 0-65535, got '70000'\n"],
  ])('stops at a bad setting %j %j with one line and exit status 2', async (args, env, line) => {
    const result = await runToExit(args, env)
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(line)
    expect(result.logs).toEqual([])
  })

  it('says "listening" once every thread listens, with the address, port and thread count', async () => {
    const server = await startThreadedServer(['--threads', '3'])
    try {
      const listening = server.logs.find((line) => line.msg === 'listening')
      expect(listening).toMatchObject({
        address: '127.0.0.1',
        port: server.port,
        threads: 3,
        pid: server.pid,
      })
    } finally {
      await server.stop()
    }
  })
})

describe('the client limit', () => {
  it('tells the client over --max-clients that the server is busy, across threads', async () => {
    const server = await startThreadedServer(['--threads', '2', '--max-clients', '2'])
    const clients = [await connectClient(server.port), await connectClient(server.port)]
    try {
      for (const [n, client] of clients.entries()) {
        client.sendLine(`client ${n}`)
        expect(await client.nextLine()).toBe(`Echo: client ${n}`)
      }
      const third = await connectClient(server.port)
      expect((await third.readToEnd()).toString()).toBe(
        'Error: server busy (2 clients connected)\n',
      )
      await server.waitForLog((line) => line.msg === 'refused', 'the refusal in the log')

      // A place frees up when a client leaves.
      clients[0]!.sendLine('sair')
      await clients[0]!.readToEnd()
      await server.waitForLog(
        (line) => line.msg === 'session ended' && line.reason === 'quit',
        'the first session to end',
      )
      const next = await connectClient(server.port)
      clients.push(next)
      next.sendLine('my turn')
      expect(await next.nextLine()).toBe('Echo: my turn')
    } finally {
      for (const client of clients) client.destroy()
      await server.stop()
    }
  })
})

describe('stopping', () => {
  it('on SIGTERM, serves an open session through the grace period, then tells it and exits 0', async () => {
    const server = await startThreadedServer(['--threads', '2', '--shutdown-grace-ms', '3000'])
    const client = await connectClient(server.port)
    try {
      client.sendLine('before')
      expect(await client.nextLine()).toBe('Echo: before')
      const stopped = server.stop('SIGTERM')
      await server.waitForLog((line) => line.msg === 'shutting down', 'the shutdown to start')
      client.sendLine('during the grace period')
      expect(await client.nextLine()).toBe('Echo: during the grace period')
      expect((await client.readToEnd(10_000)).toString()).toBe('Error: server shutting down\n')
      expect(await stopped).toEqual({ code: 0, signal: null })
      const ended = server.logs.find((line) => line.msg === 'session ended')
      expect(ended).toMatchObject({ reason: 'shutdown', messages: 2 })
      expect(server.logs.at(-1)?.msg).toBe('stopped')
    } finally {
      client.destroy()
    }
  })

  it('on a second signal tells every client left at once and exits 1, not waiting out the grace', async () => {
    const server = await startThreadedServer(['--threads', '2', '--shutdown-grace-ms', '600000'])
    const clients = await connectClients(server.port, 2)
    try {
      for (const client of clients) {
        client.sendLine('hello')
        expect(await client.nextLine()).toBe('Echo: hello')
      }
      server.child.kill('SIGINT')
      await server.waitForLog((line) => line.msg === 'shutting down', 'the shutdown to start')
      expect(await server.stop('SIGTERM')).toEqual({ code: 1, signal: null })
      for (const client of clients) {
        expect((await client.readToEnd()).toString()).toBe('Error: server shutting down\n')
      }
      const ended = server.logs.filter((line) => line.msg === 'session ended')
      expect(ended.map((line) => line.reason)).toEqual(['shutdown', 'shutdown'])
      expect(server.logs.at(-1)).toMatchObject({ msg: 'stopped', exitStatus: 1 })
    } finally {
      for (const client of clients) client.destroy()
    }
  })

  it('logs "session ended" for a client that never hangs up, cut off after the shutdown linger', async () => {
    const server = await startThreadedServer(['--shutdown-grace-ms', '200'])
    // Like nc: it keeps its side open after the server has said goodbye.
    const client = await connectClient(server.port, { allowHalfOpen: true })
    try {
      client.sendLine('hello')
      expect(await client.nextLine()).toBe('Echo: hello')
      const { conn } = await connectedLineOf(server, client)
      expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null })
      expect((await client.readToEnd()).toString()).toBe('Error: server shutting down\n')
      expect(
        server.logs.find((line) => line.msg === 'session ended' && line.conn === conn),
      ).toMatchObject({ reason: 'shutdown', messages: 1 })
      expect(server.logs.at(-1)?.msg).toBe('stopped')
    } finally {
      client.destroy()
    }
  })

  it('on SIGINT with no client, exits 0 at once', async () => {
    const server = await startThreadedServer(['--threads', '2'])
    expect(await server.stop('SIGINT')).toEqual({ code: 0, signal: null })
    expect(server.logs.map((line) => line.msg)).toEqual(['listening', 'shutting down', 'stopped'])
  })

  it('lets a session that ends within the grace period end normally', async () => {
    const server = await startThreadedServer(['--shutdown-grace-ms', '20000'])
    const client = await connectClient(server.port)
    try {
      client.sendLine('hello')
      expect(await client.nextLine()).toBe('Echo: hello')
      const stopped = server.stop('SIGTERM')
      await server.waitForLog((line) => line.msg === 'shutting down', 'the shutdown to start')
      client.sendLine('sair')
      expect((await client.readToEnd()).toString()).toBe('')
      // The server does not wait out the rest of its 20 s grace once nobody is left.
      expect(await stopped).toEqual({ code: 0, signal: null })
      expect(server.logs.find((line) => line.msg === 'session ended')).toMatchObject({
        reason: 'quit',
      })
    } finally {
      client.destroy()
    }
  })
})
