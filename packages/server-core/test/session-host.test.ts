import type { Socket } from 'node:net'
import { duplexPair } from 'node:stream'
import { loadConfig } from '@echolab/cli'
import { DEFAULT_WAIT_MS, withTimeout } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { createLogger, type LogSink } from '../src/logs/logger.ts'
import { ServerMetrics } from '../src/metrics/server-metrics.ts'
import { SERVER_SETTINGS } from '../src/server-settings.ts'
import { SessionHost } from '../src/session-host.ts'
import { ConnectionWatch } from '../src/watch/connection-watch.ts'
import { Inbox } from './support/inbox.ts'

/** A host as a server thread makes it, from settings given as flags; its log lines kept. */
function hostWith(argv: string[]) {
  const loaded = loadConfig(SERVER_SETTINGS, { argv, env: {} })
  if (loaded.asked !== undefined) throw new Error(`asked for --${loaded.asked}`)
  const lines: Record<string, unknown>[] = []
  const sink: LogSink = {
    write: (line: string) => void lines.push(JSON.parse(line)),
    flushSync() {},
  }
  const log = createLogger({ service: 'host-test', level: 'info', sink })
  const metrics = new ServerMetrics()
  const watch = new ConnectionWatch({ thread: 0, describe: () => [], send: () => {} })
  const ended: unknown[] = []
  const host = new SessionHost({
    config: loaded.config,
    log,
    metricsRow: metrics.row(0),
    watch,
    onEnded: (socket) => ended.push(socket),
  })
  return { host, lines, metrics, ended }
}

/** The "session ended" lines: what each session reported, once each. */
function endedLines(lines: Record<string, unknown>[]) {
  return lines.filter((line) => line.msg === 'session ended')
}

/** A connection over an in-memory pair: a session only needs a Duplex of it. */
function connection() {
  const [client, server] = duplexPair()
  return { client, socket: server as unknown as Socket, inbox: new Inbox(client) }
}

describe('SessionHost', () => {
  it('serves a connection to its end, logs "session ended" with its id, counts it, then calls onEnded with its socket', async () => {
    const { host, lines, metrics, ended } = hostWith([])
    const { client, socket, inbox } = connection()
    host.serve(socket, 7)
    expect(host.sessions.size).toBe(1)
    client.write('Olá\nsair\n')
    expect(await inbox.untilServerEnds()).toEqual(Buffer.from('Echo: Olá\n'))
    await withTimeout(host.sessions.whenEmpty(), DEFAULT_WAIT_MS, 'the session to end')
    expect(lines.filter((line) => line.msg === 'message')).toMatchObject([{ conn: 7, text: 'Olá' }])
    expect(endedLines(lines)).toMatchObject([{ conn: 7, reason: 'quit', messages: 1 }])
    expect(metrics.snapshot(host.sessions.size)).toMatchObject({
      connectionsActive: 0,
      connectionsTotal: 1,
      messages: 1,
    })
    expect(ended).toEqual([socket])
  })

  it('gives each session the limits the settings say', async () => {
    const { host, lines } = hostWith(['--max-message-bytes', '4'])
    const { client, socket, inbox } = connection()
    host.serve(socket, 1)
    client.write('12345\n')
    expect((await inbox.untilServerEnds()).toString()).toMatch(/^Error: message too long/)
    await withTimeout(host.sessions.whenEmpty(), DEFAULT_WAIT_MS, 'the session to end')
    expect(endedLines(lines)).toMatchObject([{ reason: 'message-too-long' }])
  })

  it('ends the sessions it serves when its sessions are ended at shutdown', async () => {
    const { host, lines, ended } = hostWith([])
    const { socket, inbox } = connection()
    host.serve(socket, 1)
    await withTimeout(host.sessions.end(), DEFAULT_WAIT_MS, 'the sessions to end')
    expect(endedLines(lines)).toMatchObject([{ reason: 'shutdown' }])
    expect(inbox.bytes.toString()).toBe('Error: server shutting down\n')
    expect(ended).toEqual([socket])
  })
})
