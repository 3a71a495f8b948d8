/**
 * Builds one app into its own `dist/` (DESIGN.md, "Layout"; `turbo run build`): one bundled ES
 * module per entry point, `dist/<name>.mjs` with its source map beside it, holding the app, the
 * workspace packages it imports and their npm dependencies. A bundle runs from a folder holding
 * only `dist/`: no `node_modules`, no `package.json` (`.mjs` says it is an ES module).
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { build } from 'esbuild'
import { noPinoTransports } from './no-pino-transports.ts'

export const OUT_DIR = 'dist'

// The npm dependencies that are CommonJS (pino and friends) call `require` for Node's built-ins;
// an ES module has no `require`, so the bundle makes one for them.
const REQUIRE_FOR_COMMONJS = [
  "import { createRequire as createRequireForCommonJs } from 'node:module'",
  'const require = createRequireForCommonJs(import.meta.url)',
].join('\n')

/**
 * `entryPoints` maps each output name to its source, relative to `appDir`:
 * `{ main: 'src/main.ts' }` builds `dist/main.mjs`.
 */
export async function bundleApp(appDir: string, entryPoints: Record<string, string>) {
  // A file left from an older build must not ship (turbo caches the whole of dist/).
  await rm(join(appDir, OUT_DIR), { recursive: true, force: true })
  return build({
    absWorkingDir: appDir,
    entryPoints,
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    sourcemap: 'linked',
    banner: { js: REQUIRE_FOR_COMMONJS },
    plugins: [noPinoTransports],
    logLevel: 'warning',
  })
}
