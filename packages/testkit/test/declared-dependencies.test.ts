/**
 * DESIGN.md, "Layout": a package depends only on what it imports, and it depends on what it
 * imports. For every workspace: what its `src/` imports is in `dependencies`; what its tests,
 * benchmarks and configuration import is declared too (`devDependencies` will do); and nothing is
 * declared that nothing imports. A package that leaned on the root's hoisted node_modules would
 * break under `turbo prune` and hides what it needs.
 */
import { describe, expect, it } from 'vitest'
import { importedPackages, importsOf, packageOf, workspaces } from './support/workspaces.ts'

describe('reading imports', () => {
  it('names the package of every import form and skips relative paths and built-ins', () => {
    // Written with backticks, turned into quotes here: this file's own imports stay only vitest.
    const source = [
      'import { a } from `vitest`',
      'import type { B } from `@scope/name/sub/path.ts`',
      'export * from `./local.ts`',
      'import `side-effect`',
      'const late = await import(`pino-pretty`)',
      'import { readFileSync } from `node:fs`',
      'import { join } from `path`',
    ]
      .join('\n')
      .replaceAll('`', "'")
    expect([...importedPackages(source)].sort()).toEqual([
      '@scope/name',
      'pino-pretty',
      'side-effect',
      'vitest',
    ])
    expect(packageOf('../x.ts')).toBeUndefined()
  })
})

describe.each(workspaces().map((w) => [w.dir, w] as const))('%s', (_, workspace) => {
  const { runtime, other } = importsOf(workspace)
  const declared = new Set([...workspace.dependencies, ...workspace.devDependencies])

  it('declares in dependencies what its src/ imports', () => {
    expect([...runtime].filter((name) => !workspace.dependencies.has(name))).toEqual([])
  })

  it('declares what its tests, benchmarks and configuration import', () => {
    expect([...other].filter((name) => !declared.has(name))).toEqual([])
  })

  it('declares nothing it does not import', () => {
    const imported = new Set([...runtime, ...other])
    expect([...declared].filter((name) => !imported.has(name))).toEqual([])
  })
})
