/**
 * What each workspace of the repository imports and what its package.json declares, read from
 * the files alone (no process, no git): the facts behind DESIGN.md's "a package depends only on
 * what it imports", checked in declared-dependencies.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { join } from 'node:path'

export const REPO_ROOT = join(import.meta.dirname, '../../../..')

/** Folders that hold no source of the workspace: installs, builds, reports, hidden ones. */
const NOT_SOURCE = new Set(['node_modules', 'dist', 'reports'])
const SOURCE_FILE = /\.(ts|mts|js|mjs)$/
/** Static imports and re-exports, side-effect imports, import(): every way a module names another. */
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g

interface Workspace {
  /** Relative to the repository root, e.g. `apps/client`. */
  dir: string
  name: string
  dependencies: Set<string>
  devDependencies: Set<string>
}

/** The package a specifier names (`@scope/name/sub` → `@scope/name`), or undefined for a
 *  relative path or a Node built-in. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) {
    return undefined
  }
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** The packages `source` imports. */
export function importedPackages(source: string): Set<string> {
  const packages = new Set<string>()
  for (const [, specifier] of source.matchAll(SPECIFIER)) {
    const name = packageOf(specifier ?? '')
    if (name !== undefined) packages.add(name)
  }
  return packages
}

/** Every workspace the root package.json lists (`dir` or `dir/*`). */
export function workspaces(): Workspace[] {
  const root = readJson(join(REPO_ROOT, 'package.json')) as { workspaces: string[] }
  const dirs = root.workspaces.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(REPO_ROOT, pattern.slice(0, -2))).map((d) => `${pattern.slice(0, -1)}${d}`)
      : [pattern],
  )
  return dirs
    .filter((dir) => existsSync(join(REPO_ROOT, dir, 'package.json')))
    .map((dir) => {
      const pkg = readJson(join(REPO_ROOT, dir, 'package.json')) as {
        name: string
        dependencies?: Record<string, string>
        devDependencies?: Record<string, string>
      }
      return {
        dir,
        name: pkg.name,
        dependencies: new Set(Object.keys(pkg.dependencies ?? {})),
        devDependencies: new Set(Object.keys(pkg.devDependencies ?? {})),
      }
    })
}

/**
 * What a workspace imports, in two parts: from `src/` (what it runs with, so `dependencies`)
 * and from everything else (tests, benchmarks, build and test configuration).
 */
export function importsOf(workspace: Workspace): { runtime: Set<string>; other: Set<string> } {
  const runtime = new Set<string>()
  const other = new Set<string>()
  const dir = join(REPO_ROOT, workspace.dir)
  for (const file of sourceFiles(dir)) {
    const into = file.startsWith(join(dir, 'src')) ? runtime : other
    for (const name of importedPackages(readFileSync(file, 'utf8'))) {
      if (name !== workspace.name) into.add(name)
    }
  }
  return { runtime, other }
}

/** The source files under `dir` (a workspace or the repository), builds and installs left out. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || NOT_SOURCE.has(entry.name)) return []
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return SOURCE_FILE.test(entry.name) ? [path] : []
  })
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'))
}
