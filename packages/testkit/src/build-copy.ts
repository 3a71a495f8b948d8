/**
 * An app's build output (its `dist/`, from `turbo run build`) copied alone into an empty temporary
 * folder, as an image holds it: no node_modules, no package.json and no sources around it, so a
 * bundle that still reached for any of them fails where it is tested, not in production.
 */
import { existsSync } from 'node:fs'
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

interface BuildCopy {
  /** The temporary folder holding the copy. */
  dir: string
  /** The copy's `main.mjs`: what `node` runs. */
  main: string
  /** The files in the copy, sorted. */
  files: string[]
  remove(): Promise<void>
}

async function copyOfBuild(appDir: string): Promise<BuildCopy> {
  const dist = join(appDir, 'dist')
  if (!existsSync(join(dist, 'main.mjs'))) {
    throw new Error(`${dist}/main.mjs is missing: run \`turbo run build\` first (npm test does)`)
  }
  const dir = await mkdtemp(join(tmpdir(), 'echolab-build-'))
  await cp(dist, dir, { recursive: true })
  return {
    dir,
    main: join(dir, 'main.mjs'),
    files: (await readdir(dir)).sort(),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}

/** `copyOfBuild` for the tests of one file: the copy is removed once they are over. */
export async function copyOfBuildForThisFile(appDir: string): Promise<BuildCopy> {
  const build = await copyOfBuild(appDir)
  afterAll(() => build.remove())
  return build
}
