/**
 * What ships is built (DESIGN.md, "Layout"; issue 10): the bundle in dist/ (`turbo run build`,
 * which `npm test` runs first), copied alone into an empty folder as the image holds it, passes
 * the same conformance suite as the sources, its worker threads running worker.mjs from beside it.
 */
import { fileURLToPath } from 'node:url'
import {
  connectClient,
  copyOfBuildForThisFile,
  describeConformance,
  ServerProcess,
  startServer,
} from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { waitForOutput } from './server.ts'

const REPO = fileURLToPath(new URL('../../..', import.meta.url))
// Copied before any test runs: the `npm start` test below may rewrite dist/ (a turbo cache hit).
const build = await copyOfBuildForThisFile(fileURLToPath(new URL('..', import.meta.url)))

describeConformance('server-threaded built, alone in a folder,', (args = [], env = {}) =>
  startServer({ entry: build.main, args, env }),
)

describe('the build alone in a folder', () => {
  it('is the two bundles and their source maps, nothing else', () => {
    expect(build.files).toEqual(['main.mjs', 'main.mjs.map', 'worker.mjs', 'worker.mjs.map'])
  })

  it('starts two worker threads, logs pretty (pino-pretty is in the bundle) and answers an echo', async () => {
    const server = new ServerProcess(
      build.main,
      ['--host', '127.0.0.1', '--port', '0', '--threads', '2'],
      { LOG_FORMAT: 'pretty', NO_COLOR: '1' },
    )
    try {
      const listening = await waitForOutput(server, /INFO: listening/, 'a pretty "listening" line')
      expect(listening).toMatch(/"threads":2/)
      const client = await connectClient(Number(/"port":(\d+)/.exec(listening)?.[1]))
      client.sendLine('Olá, meu amigo Servidor')
      expect(await client.nextLine()).toBe('Echo: Olá, meu amigo Servidor')
      client.destroy()
      expect(await server.stop()).toEqual({ code: 0, signal: null })
    } finally {
      server.kill()
    }
  })

  it('is what `npm start` runs at the root, and a SIGTERM sent to npm reaches it', async () => {
    const server = new ServerProcess(
      'start',
      ['--silent'],
      { HOST: '127.0.0.1', PORT: '0', THREADS: '1' },
      { program: 'npm', cwd: REPO },
    )
    try {
      // Slow only when turbo has to build first: a cache hit takes a second.
      const listening = await server.waitForLog((l) => l.msg === 'listening', 'npm start', 60_000)
      const client = await connectClient(listening.port as number)
      client.sendLine('Olá')
      expect(await client.nextLine()).toBe('Echo: Olá')
      client.destroy()
      // npm's own process gets the signal; only if it reaches the server does it log "stopped".
      expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null })
      expect(server.logs.map((l) => l.msg)).toContain('stopped')
    } finally {
      server.kill()
    }
  })
})
