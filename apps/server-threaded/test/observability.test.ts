/**
 * What the server tells the people who run it: logs from every thread, whole, in JSON or pretty,
 * and the optional /healthz and /metrics endpoint, with counts summed over all threads.
 */
import { connectClient, ServerProcess } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { connectClients, ENTRY, startThreadedServer, waitForOutput } from './server.ts'

describe('logs', () => {
  it('writes the workers’ lines pretty with LOG_FORMAT=pretty', async () => {
    const server = new ServerProcess(
      ENTRY,
      ['--host', '127.0.0.1', '--port', '0', '--threads', '2'],
      { LOG_FORMAT: 'pretty', NO_COLOR: '1' },
    )
    try {
      const listening = await waitForOutput(server, /INFO: listening/, 'a pretty "listening" line')
      expect(listening).toMatch(/^\S+ INFO: listening \{.*"threads":2/)
      const port = Number(/"port":(\d+)/.exec(listening)?.[1])
      const client = await connectClient(port)
      client.sendLine('bonito')
      expect(await client.nextLine()).toBe('Echo: bonito')
      client.destroy()
      await waitForOutput(
        server,
        /INFO: message \{.*"text":"bonito"/,
        'the message line from the worker, pretty',
      )
      expect(server.logs).toEqual([])
    } finally {
      await server.stop()
    }
  })

  it('keeps every line whole while several threads log at once', async () => {
    const server = await startThreadedServer([
      '--threads',
      '2',
      '--message-logs-per-second',
      '1000',
    ])
    const clients = await connectClients(server.port, 100)
    try {
      await Promise.all(
        clients.map(async (client, id) => {
          for (let n = 0; n < 10; n++) {
            client.sendLine(`client ${id} line ${n} ${'x'.repeat(200)}`)
            await client.nextLine(30_000)
          }
        }),
      )
      await server.waitForLogs((l) => l.msg === 'message', 1000, 'a line for every message', 30_000)
      expect(server.otherOutput).toEqual([])
      const threads = new Set(server.logs.filter((l) => l.msg === 'message').map((l) => l.thread))
      expect(threads.size).toBe(2)
    } finally {
      for (const client of clients) client.destroy()
      await server.stop()
    }
  })
})

describe('the message log budget', () => {
  it('logs up to --message-logs-per-second messages a second and counts the rest in one line', async () => {
    const server = await startThreadedServer(['--threads', '1', '--message-logs-per-second', '5'])
    const client = await connectClient(server.port)
    try {
      // Forty messages in one write: all answered, well within one second of each other.
      client.write(Array.from({ length: 40 }, (_, n) => `burst ${n}\n`).join(''))
      for (let n = 0; n < 40; n++) expect(await client.nextLine()).toBe(`Echo: burst ${n}`)
      const held = await server.waitForLog(
        (l) => l.msg === 'more messages in the last second than the message log budget',
        'the line that counts the messages not logged',
      )
      expect(held.notLogged).toBe(35)
      const logged = server.logs.filter((l) => l.msg === 'message').map((l) => l.text)
      expect(logged).toEqual(['burst 0', 'burst 1', 'burst 2', 'burst 3', 'burst 4'])
    } finally {
      client.destroy()
      await server.stop()
    }
  })
})

describe('the metrics endpoint', () => {
  it('answers /healthz and sums /metrics over every thread', async () => {
    const server = await startThreadedServer(['--threads', '2', '--metrics-port', '0'])
    const clients = await connectClients(server.port, 20)
    try {
      const { port } = await server.waitForLog(
        (l) => l.msg === 'metrics endpoint listening',
        'the metrics endpoint',
      )
      const health = await fetch(`http://127.0.0.1:${port}/healthz`)
      expect(health.status).toBe(200)
      for (const client of clients) {
        client.sendLine('counted')
        expect(await client.nextLine()).toBe('Echo: counted')
      }
      clients[0]!.sendLine('sair')
      await clients[0]!.readToEnd()
      await server.waitForLog((l) => l.msg === 'session ended', 'the first session to end')
      const connected = server.logs.filter((l) => l.msg === 'connected')
      expect(new Set(connected.map((l) => l.thread)).size).toBe(2)
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      expect(metrics).toContain('echolab_connections_active{server="server-threaded"} 19\n')
      expect(metrics).toContain('echolab_connections_total{server="server-threaded"} 20\n')
      expect(metrics).toContain('echolab_messages_total{server="server-threaded"} 20\n')
      expect(metrics).toContain(
        'echolab_sessions_ended_total{server="server-threaded",reason="quit"} 1\n',
      )
    } finally {
      for (const client of clients) client.destroy()
      await server.stop()
    }
  })
})
