/**
 * Starts the threaded server under test as a real process (testkit: 127.0.0.1, port 0, JSON
 * logs), and what its end-to-end suites share.
 */
import { fileURLToPath } from 'node:url'
import {
  connectClient,
  type LineClient,
  type RunningServer,
  type ServerProcess,
  startServer,
  withTimeout,
} from '@echolab/testkit'

export { connectedLineOf } from '@echolab/testkit'

export const ENTRY = fileURLToPath(new URL('../src/main.ts', import.meta.url))

export function startThreadedServer(
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<RunningServer> {
  return startServer({ entry: ENTRY, args, env })
}

/** Connects `count` clients, a batch at a time so the connects never pile up past the backlog. */
export async function connectClients(port: number, count: number, batch = 100) {
  const clients: LineClient[] = []
  for (let first = 0; first < count; first += batch) {
    const size = Math.min(batch, count - first)
    clients.push(...(await Promise.all(Array.from({ length: size }, () => connectClient(port)))))
  }
  return clients
}

/** The first line of stdout that is not JSON (e.g. a pretty log line) and matches `pattern`. */
export function waitForOutput(
  server: ServerProcess,
  pattern: RegExp,
  what: string,
  timeoutMs = 15_000,
): Promise<string> {
  return withTimeout(
    new Promise((resolve) => {
      // Runs after the testkit's own reader has split the chunk into lines.
      const check = (): void => {
        const line = server.otherOutput.find((l) => pattern.test(l))
        if (line === undefined) return
        server.child.stdout.off('data', check)
        resolve(line)
      }
      server.child.stdout.on('data', check)
      check()
    }),
    timeoutMs,
    what,
  )
}
