import { once } from 'node:events'
import { DEFAULT_WAIT_MS, withTimeout } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { Inbox } from './support/inbox.ts'
import { openSession, reportOf } from './support/session-pair.ts'

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
})
