/**
 * Which names each file exports, and which names other files import, read from the text of the
 * sources: the facts behind "no export is used only in its own file" (own-file-exports.test.ts).
 */

/** `export const|function|class|type|interface|let NAME` at the start of a line. */
const DECLARED_EXPORT =
  /^export (?:async )?(?:const|let|function\*?|class|abstract class|type|interface) ([\w$]+)/gm
/** The braces of `import { a, type B as C } from` and `export { a } from`. */
const NAMED_IMPORTS = /\b(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from\b/g
/** A module loaded on demand and one name taken from it: `(await import('./x.ts')).name`. */
const DYNAMIC_IMPORT_NAME = /\(await import\([^)]*\)\)\.([\w$]+)/g

export function exportedNames(source: string): string[] {
  return [...source.matchAll(DECLARED_EXPORT)].map(([, name]) => name ?? '')
}

export function importedNames(source: string): string[] {
  const names: string[] = []
  for (const [, list] of source.matchAll(NAMED_IMPORTS)) {
    for (const part of (list ?? '').split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]
        ?.trim()
      if (name) names.push(name)
    }
  }
  for (const [, name] of source.matchAll(DYNAMIC_IMPORT_NAME)) names.push(name ?? '')
  return names
}
