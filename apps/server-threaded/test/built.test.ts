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
})
