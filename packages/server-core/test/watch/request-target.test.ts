/**
 * How the metrics port reads a request's target: a proxy (or a hostile client) may send the
 * absolute form, which HTTP/1.1 servers must accept (RFC 9112, 3.2.2); once it got 404.
 */
import { once } from 'node:events'
import { connect } from 'node:net'
import { withTimeout } from '@echolab/testkit'
import { afterEach, expect, it } from 'vitest'
import { startWatchedEndpoint, type WatchedEndpoint } from './watched-endpoint.ts'

let endpoint: WatchedEndpoint | undefined

afterEach(async () => {
  await endpoint?.close()
  endpoint = undefined
})

async function statusOf(port: number, target: string): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (text: string) => {
    received += text
  })
  socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
  await withTimeout(once(socket, 'close'), 5_000, `the answer to GET ${target}`)
  return received.split('\r\n')[0] ?? ''
}

it('answers a target in absolute form as it answers its path', async () => {
  endpoint = await startWatchedEndpoint()
  const { port } = endpoint
  expect(await statusOf(port, `http://127.0.0.1:${port}/healthz`)).toBe('HTTP/1.1 200 OK')
  expect(await statusOf(port, `http://127.0.0.1:${port}/healthz?probe=1`)).toBe('HTTP/1.1 200 OK')
  expect(await statusOf(port, '/healthz?probe=1')).toBe('HTTP/1.1 200 OK')
  expect(await statusOf(port, '/../healthz')).toBe('HTTP/1.1 404 Not Found')
  expect(await statusOf(port, `http://127.0.0.1:${port}/nothing`)).toBe('HTTP/1.1 404 Not Found')
})
