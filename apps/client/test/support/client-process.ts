/**
 * Runs the real client program (src/main.ts) as a child process, the way a container or a shell
 * script does, and collects its exit status and output, with a bound.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { withTimeout } from '@echolab/testkit'

export const CLIENT_MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

export interface ClientRun {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  env?: Record<string, string>
  /** Piped to the client's stdin; without it stdin is /dev/null (as in a container). */
  stdin?: string | Buffer
  timeoutMs?: number
  /** Called with each piece of stderr as it arrives. */
  onStderr?: (text: string) => void
}

/** The test runner's environment without anything that would configure the client. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(SERVER_|CLIENT_|BENCH_)/.test(key) || key === 'NO_COLOR') continue
    env[key] = value
  }
  return { ...env, ...extra }
}

export function runClient(args: readonly string[], options: RunOptions = {}): Promise<ClientRun> {
  const { env = {}, stdin, timeoutMs = 30_000, onStderr } = options
  const child = spawn(process.execPath, [CLIENT_MAIN, ...args], {
    env: cleanEnv(env),
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    stdout += text
  })
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderr += text
    onStderr?.(text)
  })
  if (stdin !== undefined) child.stdin?.end(stdin)
  const exited = new Promise<ClientRun>((resolve) => {
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
  return withTimeout(exited, timeoutMs, `the client (${args.join(' ')}) to exit`).catch(
    (error: Error) => {
      child.kill('SIGKILL')
      throw new Error(`${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`)
    },
  )
}

/** Every stdout line parsed as JSON (fails the test on a line that is not). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}
