/**
 * The reference servers and the load generator from `../shared/anchors` (read-only): copied to a
 * temporary folder, built there, and described as commands the benchmark can start.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'

/** apps/server-threaded/bench -> the repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..')
const ANCHORS = resolve(REPO_ROOT, '../shared/anchors')
// What ships (DESIGN.md, "What ships is built"): `npm run bench` builds both first.
export const THREADED_ENTRY = join(REPO_ROOT, 'apps/server-threaded/dist/main.mjs')
const BLOCKING_ENTRY = join(REPO_ROOT, 'apps/server-blocking/dist/main.mjs')
// Debian's python3 has python3-uvloop; a pyenv shim on PATH may not.
const SYSTEM_PYTHON = '/usr/bin/python3'
const BUILD_TOOLS_HINT =
  'apt-get -o DPkg::Lock::Timeout=600 install -y gcc make golang-go python3-uvloop'

export interface BenchServer {
  name: string
  /** What this server is, for the table's legend. */
  about: string
  command: (port: number) => { file: string; args: string[]; env?: Record<string, string> }
  /** Serves one client at a time: measured idle, never loaded. */
  oneAtATime?: boolean
}

interface Anchors {
  dir: string
  loadgen: string
  /** Servers that could be built here, ours first (the blocking server second). */
  servers: BenchServer[]
  /** One line per anchor that could not be built, and why. */
  skipped: string[]
}

/** Copies the anchors to a temporary folder and builds the load generator and the servers. */
export function buildAnchors(threadedArgs: readonly string[]): Anchors {
  for (const entry of [THREADED_ENTRY, BLOCKING_ENTRY]) {
    if (!existsSync(entry)) throw new Error(`no ${entry}: run \`npm run build\` first`)
  }
  const { dir, loadgen } = buildLoadgen()
  execFileSync('make', ['-s', '-C', join(dir, 'c-epoll')], { stdio: 'inherit' })

  const skipped: string[] = []
  const servers: BenchServer[] = [
    threadedServer('server-threaded', THREADED_ENTRY, threadedArgs),
    {
      name: 'server-blocking',
      about: 'the blocking server (default settings), JSON logs at info to a file',
      oneAtATime: true,
      command: (port) => ({
        file: process.execPath,
        args: [BLOCKING_ENTRY, '--host', '127.0.0.1', '--port', String(port)],
        env: { LOG_FORMAT: 'json' },
      }),
    },
    {
      name: 'c-epoll-st',
      about: 'C, single-threaded epoll (the physical-limit anchor)',
      command: (port) => ({ file: join(dir, 'c-epoll/echo-st'), args: [String(port)] }),
    },
  ]
  if (buildGo(dir)) {
    servers.push({
      name: 'go',
      about: 'Go, a goroutine per connection with bufio',
      command: (port) => ({ file: join(dir, 'go/server'), args: [String(port)] }),
    })
  } else skipped.push(`go: no Go toolchain or the build failed (${BUILD_TOOLS_HINT})`)
  if (spawnSync(SYSTEM_PYTHON, ['-c', 'import uvloop']).status === 0) {
    servers.push({
      name: 'py-uvloop',
      about: 'Python asyncio + uvloop, protocol mode',
      command: (port) => ({
        file: SYSTEM_PYTHON,
        args: [join(dir, 'py-uvloop/server.py'), String(port), 'protocol'],
      }),
    })
  } else skipped.push(`py-uvloop: ${SYSTEM_PYTHON} has no uvloop (${BUILD_TOOLS_HINT})`)
  servers.push({
    name: 'node-plain',
    about: `plain Node ${process.version} server, one event loop, no limits, no logs`,
    command: (port) => ({
      file: process.execPath,
      args: [join(dir, 'node-plain/server.mjs'), String(port)],
    }),
  })
  return { dir, loadgen, servers, skipped }
}

/** Copies the anchors to a temporary folder and builds only the load generator there. */
export function buildLoadgen(): { dir: string; loadgen: string } {
  if (!existsSync(ANCHORS)) throw new Error(`no anchors at ${ANCHORS}`)
  const dir = mkdtempSync(join(tmpdir(), 'echolab-bench-'))
  cpSync(ANCHORS, dir, { recursive: true })
  makeWritable(dir)
  for (const tool of ['gcc', 'make']) {
    if (!hasCommand(tool))
      throw new Error(`${tool} is needed to build the anchors: ${BUILD_TOOLS_HINT}`)
  }
  execFileSync('make', ['-s', '-C', join(dir, 'loadgen')], { stdio: 'inherit' })
  return { dir, loadgen: join(dir, 'loadgen/loadgen') }
}

/** A build of the threaded server: this one, or another (`--baseline`) to compare it with. */
export function threadedServer(
  name: string,
  entry: string,
  threadedArgs: readonly string[],
): BenchServer {
  return {
    name,
    about: `${relative(REPO_ROOT, entry)} (${threadedArgs.join(' ') || 'default settings'}), JSON logs at info to a file`,
    command: (port) => ({
      file: process.execPath,
      args: [entry, '--host', '127.0.0.1', '--port', String(port), ...threadedArgs],
      env: { LOG_FORMAT: 'json' },
    }),
  }
}

function buildGo(dir: string): boolean {
  if (!hasCommand('go')) return false
  const built = spawnSync('go', ['build', '-o', 'server', 'server.go'], {
    cwd: join(dir, 'go'),
    env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off' },
    stdio: 'inherit',
  })
  return built.status === 0
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0
}

// The anchors are read-only where they are shared, and cpSync keeps the modes.
function makeWritable(path: string): void {
  const mode = statSync(path).mode
  chmodSync(path, mode | 0o200)
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) makeWritable(join(path, entry))
  }
}
