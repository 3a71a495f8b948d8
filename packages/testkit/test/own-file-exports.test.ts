/**
 * No dead exports (STYLE.md 22, "no dead code"): a name a file exports is
 * imported by another file of the repository, or it is not exported. An export nothing imports
 * says "this is used elsewhere" when it is not, and keeps code alive that may be dead.
 */
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { exportedNames, importedNames } from './support/exports.ts'
import { REPO_ROOT, sourceFiles, workspaces } from './support/workspaces.ts'

describe('reading exports and imports', () => {
  // Written with backticks, turned into quotes here, like declared-dependencies.test.ts.
  const source = [
    'export const A = 1',
    'export async function b() {}',
    'export interface C {}',
    'const notExported = 2',
    'import { d, type E as F } from `./x.ts`',
    'export { g } from `./y.ts`',
    'const h = (await import(`./z.ts`)).h',
  ]
    .join('\n')
    .replaceAll('`', "'")

  it('finds the names a file declares as exports', () => {
    expect(exportedNames(source)).toEqual(['A', 'b', 'C'])
  })

  it('finds the names a file imports, re-exports or takes from a module loaded on demand', () => {
    expect(importedNames(source)).toEqual(['d', 'E', 'g', 'h'])
  })
})

describe('every workspace', () => {
  it('exports only names another file imports', () => {
    const files = workspaces().flatMap((w) => sourceFiles(join(REPO_ROOT, w.dir)))
    const sources = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]))
    const importedBy = new Map<string, Set<string>>()
    for (const [file, source] of sources) {
      for (const name of importedNames(source)) {
        if (!importedBy.has(name)) importedBy.set(name, new Set())
        importedBy.get(name)?.add(file)
      }
    }
    const ownFileOnly = [...sources].flatMap(([file, source]) =>
      exportedNames(source)
        .filter((name) => [...(importedBy.get(name) ?? [])].every((user) => user === file))
        .map((name) => `${relative(REPO_ROOT, file)}: ${name}`),
    )
    expect(ownFileOnly).toEqual([])
  })
})
