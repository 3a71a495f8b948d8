/**
 * The servers the client is tested against: ours (real processes via testkit), the reference
 * servers written outside this codebase (../shared/anchors, Python; see findAnchors), and tiny fakes that
 * misbehave on purpose. Each is started on 127.0.0.1 and stopped by its own handle.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, type RunningServer, startServer, withTimeout } from '@echolab/testkit'

export { freePort } from '@echolab/testkit'

const REPO = fileURLToPath(new URL('../../../../', import.meta.url))
/** The reference servers live beside the repository (DESIGN.md tests; issue 5). */
const ANCHORS = findAnchors()

/**
 * `../shared/anchors` beside this repository, or beside the one it was cloned from when that is
 * a local folder (a clean clone in /tmp, made to check CI, has no ../shared of its own).
 */
function findAnchors(): string {
  const beside = join(REPO, '../shared/anchors/')
  if (existsSync(beside)) return beside
  const origin = spawnSync('git', ['-C', REPO, 'remote', 'get-url', 'origin'], {
    encoding: 'utf8',
  }).stdout?.trim()
  const besideOrigin = origin?.startsWith('/') ? join(origin, '../shared/anchors/') : undefined
  return besideOrigin !== undefined && existsSync(besideOrigin) ? besideOrigin : beside
}
const PYTHON = '/usr/bin/python3'

export interface TestServer {
  port: number
  stop(): Promise<unknown>
}

export type OurServer = 'server-blocking' | 'server-threaded'

/** One of our servers as a real process (testkit): its logs are there to check. */
export function startOurServer(app: OurServer): Promise<RunningServer> {
  return startServer({ entry: `${REPO}apps/${app}/src/main.ts` })
}

/** Every server the client must work with: ours and the reference ones. */
export const ECHO_SERVERS: Record<string, () => Promise<TestServer>> = {
  'server-blocking': () => startOurServer('server-blocking'),
  'server-threaded': () => startOurServer('server-threaded'),
  'the reference py-threaded server': () => startAnchor('py-threaded'),
  'the reference py-blocking server': () => startAnchor('py-blocking'),
}

export type Anchor = 'py-threaded' | 'py-blocking'

/** A reference server from ../shared/anchors, run with the system Python on a free port. */
export async function startAnchor(anchor: Anchor): Promise<TestServer> {
  const script = `${ANCHORS}${anchor}/server.py`
  if (!existsSync(script)) throw new Error(`reference server not found: ${script}`)
  const port = await freePort()
  const child: ChildProcess = spawn(PYTHON, [script, String(port)], {
    env: { ...process.env, HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const listening = new Promise<void>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      output += text
      if (output.includes('listening')) resolve()
    })
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      output += text
    })
    child.once('exit', (code) => reject(new Error(`${anchor} exited (${code}): ${output}`)))
  })
  try {
    await withTimeout(listening, 10_000, `${anchor} to listen on ${port}`)
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await withTimeout(exited, 5_000, `${anchor} to exit`)
    },
  }
}

/** A server written for one test: `onConnection` gets every socket. */
export async function startFakeServer(
  onConnection: (socket: Socket) => void,
  port = 0,
): Promise<TestServer & { server: Server }> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.once('close', () => sockets.delete(socket))
    onConnection(socket)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    server,
    port: (server.address() as { port: number }).port,
    async stop() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** Calls `onLine` with each line (as text, LF removed) the client sends on `socket`. */
export function onLines(socket: Socket, onLine: (line: string) => void): void {
  let buffered = ''
  socket.setEncoding('utf8').on('data', (text: string) => {
    buffered += text
    for (let lf = buffered.indexOf('\n'); lf !== -1; lf = buffered.indexOf('\n')) {
      const line = buffered.slice(0, lf)
      buffered = buffered.slice(lf + 1)
      onLine(line)
    }
  })
}

/** A correct echo server in a few lines, for tests that need one at a chosen moment. */
export function echoes(socket: Socket): void {
  onLines(socket, (line) => {
    if (line.trim().toLowerCase() === 'sair') socket.end()
    else socket.write(`Echo: ${line}\n`)
  })
  socket.on('end', () => socket.end())
}
