/**
 * pino's transports start worker files the bundle does not ship (README, "pino's worker files are
 * deliberately not shipped"): a bundle that uses one fails at once and says why, instead of
 * looking for thread-stream's files on a disk that lacks them.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import { bundleApp, NO_TRANSPORTS_MESSAGE } from '../src/index.ts'

const FIXTURE = fileURLToPath(new URL('fixtures/logs-through-a-transport.ts', import.meta.url))
const appDir = await mkdtemp(join(tmpdir(), 'echolab-bundle-'))
afterAll(() => rm(appDir, { recursive: true, force: true }))

it('a bundle that starts a pino transport fails at once, saying transports are not bundled', async () => {
  await bundleApp(appDir, { main: FIXTURE })
  expect((await readdir(join(appDir, 'dist'))).sort()).toEqual(['main.mjs', 'main.mjs.map'])

  const run = spawnSync(process.execPath, [join(appDir, 'dist/main.mjs')], {
    encoding: 'utf8',
    timeout: 30_000,
  })
  expect(run.stderr).toContain(NO_TRANSPORTS_MESSAGE)
  expect(run.stdout).toBe('')
  expect(run.status).toBe(1)
})
