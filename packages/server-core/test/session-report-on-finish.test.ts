import { once } from 'node:events'
import { duplexPair } from 'node:stream'
import { DEFAULT_WAIT_MS, withTimeout } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { type SessionReport, serveSession } from '../src/session.ts'
import { Inbox } from './support/inbox.ts'
import { openSession, reportOf, TEST_SESSION } from './support/session-pair.ts'

describe('a session that reports on finish (the blocking server)', () => {
  it('reports once its last bytes are written, while the client still keeps its side open', async () => {
    const pair = openSession({ reportOnFinish: true })
    const inbox = new Inbox(pair.client)
    pair.client.write('hello\nsair\n')
    const report = await reportOf(pair)
    expect(report).toMatchObject({ reason: 'quit', messages: 1 })
    expect(pair.server.destroyed).toBe(false)
    expect(await inbox.untilServerEnds()).toEqual(Buffer.from('Echo: hello\n'))
  })

  it('still closes the connection once the client closes its side', async () => {
    const pair = openSession({ reportOnFinish: true })
    pair.client.resume()
    pair.client.write('sair\n')
    expect(await reportOf(pair)).toMatchObject({ reason: 'quit', messages: 0 })
    expect(pair.server.destroyed).toBe(false)
    pair.client.end()
    await withTimeout(once(pair.server, 'close'), DEFAULT_WAIT_MS, 'the server side to close')
    expect(pair.server.destroyed).toBe(true)
  })

  it('tells its events once, with the id it was given, though the connection closes later', async () => {
    const [client, server] = duplexPair()
    const ended: [number, SessionReport][] = []
    serveSession(
      server,
      42,
      { ...TEST_SESSION, reportOnFinish: true },
      {
        ended: (id, stream, report) => {
          expect(stream).toBe(server)
          ended.push([id, report])
        },
      },
    )
    client.resume()
    client.end('hello\nsair\n')
    await withTimeout(once(server, 'close'), DEFAULT_WAIT_MS, 'the server side to close')
    expect(ended).toEqual([[42, expect.objectContaining({ reason: 'quit', messages: 1 })]])
  })
})
