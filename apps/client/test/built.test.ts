/**
 * What ships is built (DESIGN.md, "Layout"; issue 10): the client's bundle in dist/
 * (`turbo run build`, which `npm test` runs first), copied alone into an empty folder as the image
 * holds it, talks to a real server in scripted mode and runs bench mode on worker threads, which
 * load bench-worker.mjs from beside it.
 */
import { fileURLToPath } from 'node:url'
import { copyOfBuildForThisFile } from '@echolab/testkit'
import { describe, expect, it } from 'vitest'
import { cleanupAfterEach } from './support/cleanup.ts'
import { jsonLines, runClient } from './support/client-process.ts'
import { startOurServer } from './support/servers.ts'

const build = await copyOfBuildForThisFile(fileURLToPath(new URL('..', import.meta.url)))

const { started } = cleanupAfterEach()

describe('the client built, alone in a folder', () => {
  it('is the two bundles and their source maps, nothing else', () => {
    expect(build.files).toEqual([
      'bench-worker.mjs',
      'bench-worker.mjs.map',
      'main.mjs',
      'main.mjs.map',
    ])
  })

  it('sends its message in scripted mode and gets the echo', async () => {
    const server = await started(startOurServer('server-threaded'))
    const run = await runClient(
      ['--port', String(server.port), '--message', 'Olá, meu amigo Servidor'],
      {
        entry: build.main,
      },
    )
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('Echo: Olá, meu amigo Servidor')
    expect(run.code).toBe(0)
  })

  it('runs bench mode on two worker threads and verifies every reply', async () => {
    const server = await started(startOurServer('server-threaded'))
    const args = ['bench', '--json', '-d', '1', '-c', '2', '--threads', '2']
    const run = await runClient([...args, '--port', String(server.port)], { entry: build.main })
    expect(run.code).toBe(0)
    const [result] = jsonLines(run.stdout)
    expect(result).toMatchObject({
      mode: 'bench',
      connections: 2,
      threads: 2,
      mismatches: 0,
      ok: true,
    })
    expect(result?.messages).toBeGreaterThan(0)
  })
})
