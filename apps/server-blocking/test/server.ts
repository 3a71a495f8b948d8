/**
 * The blocking server under test as a real process (testkit: 127.0.0.1, port 0, JSON logs), and
 * ways to find a client's lines in its log.
 */
import { fileURLToPath } from 'node:url'
import {
  connectClient,
  connectedLineOf,
  type LineClient,
  type LogLine,
  type RunningServer,
  ServerProcess,
  startServer,
} from '@echolab/testkit'
import { afterEach } from 'vitest'

export const ENTRY = fileURLToPath(new URL('../src/main.ts', import.meta.url))

export function startBlockingServer(
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<RunningServer> {
  return startServer({ entry: ENTRY, args, env })
}

/** The connection id the server gave `client`, from its "connected" line (matched by port). */
export async function connOf(server: ServerProcess, client: LineClient): Promise<number> {
  return (await connectedLineOf(server, client)).conn as number
}

/** The line with `msg` about connection `conn`, once logged. */
export function logOf(server: ServerProcess, conn: number, msg: string): Promise<LogLine> {
  return server.waitForLog((l) => l.msg === msg && l.conn === conn, `"${msg}" for conn ${conn}`)
}

/** Where the line with `msg` about connection `conn` is in the log (-1 if it is not there). */
export function indexOf(server: ServerProcess, conn: number, msg: string): number {
  return server.logs.findIndex((l) => l.msg === msg && l.conn === conn)
}

interface Opened {
  /** A server started on 127.0.0.1:0 with `args`, listening. */
  server(args?: readonly string[], env?: Record<string, string>): Promise<RunningServer>
  /** The server's process started with exactly `args` (no host or port added), not awaited. */
  process(args?: readonly string[], env?: Record<string, string>): ServerProcess
  /** A client that keeps its side open after the server closes, like nc. */
  client(server: RunningServer): Promise<LineClient>
  /** A client the server is busy with: its first round trip is done. */
  beingServed(server: RunningServer): Promise<LineClient>
}

/**
 * Servers and clients a test opens, closed after it: clients destroyed, servers stopped (killed
 * if they do not stop).
 */
export function closedAfterEach(): Opened {
  const processes: ServerProcess[] = []
  const clients: LineClient[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy()
    await Promise.all(processes.splice(0).map((p) => p.stop().catch(() => p.kill())))
  })
  const opened: Opened = {
    server: async (args, env) => {
      const server = await startBlockingServer(args, env)
      processes.push(server)
      return server
    },
    process: (args = [], env = {}) => {
      const server = new ServerProcess(ENTRY, args, env)
      processes.push(server)
      return server
    },
    client: async (server) => {
      const client = await connectLikeNc(server.port)
      clients.push(client)
      return client
    },
    beingServed: async (server) => {
      const client = await opened.client(server)
      client.sendLine('first')
      if ((await client.nextLine()) !== 'Echo: first') throw new Error('the first echo was wrong')
      return client
    },
  }
  return opened
}

/**
 * A client that, like `nc`, keeps its side open after the server closes its own: the server
 * must not depend on the client closing to move on.
 */
function connectLikeNc(port: number): Promise<LineClient> {
  return connectClient(port, { allowHalfOpen: true })
}
