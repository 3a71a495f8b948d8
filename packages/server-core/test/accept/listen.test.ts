import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ListenError, listen } from '../../src/accept/listen.ts'

const servers: Server[] = []
function newServer(): Server {
  const server = createServer()
  servers.push(server)
  return server
}

afterEach(() => {
  for (const server of servers.splice(0)) server.close()
})

describe('listen', () => {
  it('resolves with the address once the server accepts connections', async () => {
    const server = newServer()
    const address = await listen(server, { host: '127.0.0.1', port: 0 })
    expect(address.address).toBe('127.0.0.1')
    expect(address.port).toBeGreaterThan(0)
    expect(server.listening).toBe(true)
    expect(server.listenerCount('error')).toBe(0)
  })

  it('turns a port in use into a ListenError with one line to print', async () => {
    const { port } = await listen(newServer(), { host: '127.0.0.1', port: 0 })
    const refused = await listen(newServer(), { host: '127.0.0.1', port }).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(refused).toBeInstanceOf(ListenError)
    expect((refused as ListenError).code).toBe('EADDRINUSE')
    expect((refused as ListenError).message).toBe(
      `cannot listen on 127.0.0.1:${port}: the port is already in use (is another server running?)`,
    )
  })
})
