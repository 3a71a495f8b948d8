/**
 * What ships is built (DESIGN.md, "Layout"; issue 10): the bundle in dist/ (`turbo run build`,
 * which `npm test` runs first), copied alone into an empty folder as the image holds it, starts and
 * passes the same conformance suite as the sources, echoes included.
 */
import { fileURLToPath } from 'node:url'
import { copyOfBuildForThisFile, describeConformance, startServer } from '@echolab/testkit'
import { expect, it } from 'vitest'

const build = await copyOfBuildForThisFile(fileURLToPath(new URL('..', import.meta.url)))

it('the build is the bundle and its source map, nothing else', () => {
  expect(build.files).toEqual(['main.mjs', 'main.mjs.map'])
})

describeConformance('server-blocking built, alone in a folder,', (args = [], env = {}) =>
  startServer({ entry: build.main, args, env }),
)
