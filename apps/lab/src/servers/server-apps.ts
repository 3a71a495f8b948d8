/**
 * Which program the lab runs for each server: the built one (`dist/main.mjs`, made by the app's
 * `build` script) where the app has one, brought up to date through Turborepo's cache first, and
 * the TypeScript sources otherwise (DESIGN.md: users run the build, development runs sources).
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { ProgramError } from '@echolab/cli'
import { REPO_ROOT } from '../paths.ts'

export const SERVER_APPS = ['server-blocking', 'server-threaded'] as const
export type ServerApp = (typeof SERVER_APPS)[number]

function appDir(app: ServerApp): string {
  return `${REPO_ROOT}apps/${app}/`
}

function hasBuild(app: ServerApp): boolean {
  const pkg = JSON.parse(readFileSync(`${appDir(app)}package.json`, 'utf8')) as {
    scripts?: Record<string, string>
  }
  return pkg.scripts?.build !== undefined
}

/** The entry file to run: the build where there is one, the sources otherwise. */
export function serverEntry(app: ServerApp): string {
  const built = `${appDir(app)}dist/main.mjs`
  return hasBuild(app) && existsSync(built) ? built : `${appDir(app)}src/main.ts`
}

/** Builds the servers that have a build, through Turborepo (a cache hit when nothing changed). */
export async function buildServers(): Promise<void> {
  const apps = SERVER_APPS.filter(hasBuild)
  if (apps.length === 0) return
  const turbo = `${REPO_ROOT}node_modules/.bin/turbo`
  const filters = apps.map((app) => `--filter=@echolab/${app}`)
  try {
    await promisify(execFile)(turbo, ['run', 'build', ...filters, '--output-logs=errors-only'], {
      cwd: REPO_ROOT,
      timeout: 300_000,
    })
  } catch (error) {
    const said = (error as { stderr?: string }).stderr?.trim() || (error as Error).message
    throw new ProgramError(`the servers' build failed, nothing was started:\n${said}`, 1)
  }
}
