/**
 * How the metrics port reads a request's target and `Host`: a proxy (or a hostile client) may
 * send the absolute form, which HTTP/1.1 servers must accept (RFC 9112, 3.2.2; once it got 404);
 * and on loopback it answers only requests addressed to loopback (DNS rebinding: a web page whose
 * name was made to resolve to 127.0.0.1 once read the live view's peers and messages).
 */
import { once } from 'node:events'
import { connect } from 'node:net'
import { withTimeout } from '@echolab/testkit'
import { afterEach, expect, it } from 'vitest'
import { addressedToLoopback, isLoopbackName } from '../../src/metrics/loopback-host.ts'
import { startWatchedEndpoint, type WatchedEndpoint } from './watched-endpoint.ts'

let endpoint: WatchedEndpoint | undefined

afterEach(async () => {
  await endpoint?.close()
  endpoint = undefined
})

async function statusOf(port: number, target: string, host = '127.0.0.1'): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (text: string) => {
    received += text
  })
  socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
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

it('on loopback, answers only requests addressed to loopback', async () => {
  endpoint = await startWatchedEndpoint()
  const { port } = endpoint
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
    expect(await statusOf(port, '/connections', host), host).toBe('HTTP/1.1 200 OK')
  }
  for (const host of [`rebound.example:${port}`, '127.0.0.1.nip.io', '']) {
    expect(await statusOf(port, '/connections', host), host).toBe('HTTP/1.1 403 Forbidden')
  }
})

it('tells loopback names from others', () => {
  expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopbackName)).toBe(true)
  expect(['0.0.0.0', '::', '10.0.0.1', 'example.org'].some(isLoopbackName)).toBe(false)
  expect(addressedToLoopback(undefined)).toBe(false)
  expect(addressedToLoopback('[::1]')).toBe(true)
})
