/**
 * Starts the blocking server under test as a real process (testkit: 127.0.0.1, port 0, JSON logs).
 */
import { fileURLToPath } from 'node:url'
import { type RunningServer, startServer } from '@echolab/testkit'

export const ENTRY = fileURLToPath(new URL('../src/main.ts', import.meta.url))

export function startBlockingServer(
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<RunningServer> {
  return startServer({ entry: ENTRY, args, env })
}
