/**
 * Runs the real client program (src/main.ts) as a child process, the way a container or a shell
 * script does, and collects its exit status and output, with a bound.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { withTimeout } from '@echolab/testkit'

export const CLIENT_MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

interface ClientRun {
  code: number | null
  stdout: string
  stderr: string
}

interface RunOptions {
  /** The program to run: the sources' main.ts unless a test says otherwise (e.g. a built copy). */
  entry?: string
  env?: Record<string, string>
  /** Piped to the client's stdin; without it stdin is /dev/null (as in a container). */
  stdin?: string | Buffer
  timeoutMs?: number
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

/** The client running as a child process: its output so far, and its exit, bounded. */
export class ClientProcess {
  readonly child: ChildProcess
  readonly exited: Promise<ClientRun>
  stdout = ''
  stderr = ''
  #waiters = new Set<() => void>()

  constructor(
    args: readonly string[],
    { entry = CLIENT_MAIN, env = {}, stdin, timeoutMs = 30_000 }: RunOptions = {},
  ) {
    this.child = spawn(process.execPath, [entry, ...args], {
      env: cleanEnv(env),
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      this.stdout += text
      this.#notify()
    })
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text
      this.#notify()
    })
    if (stdin !== undefined) {
      // A client that stops reading early (a quit word, a refused line) closes the pipe on us.
      this.child.stdin?.on('error', () => {})
      this.child.stdin?.end(stdin)
    }
    const closed = new Promise<ClientRun>((resolve) => {
      this.child.once('close', (code) => {
        resolve({ code, stdout: this.stdout, stderr: this.stderr })
        this.#notify()
      })
    })
    this.exited = withTimeout(closed, timeoutMs, `the client (${args.join(' ')}) to exit`).catch(
      (error: Error) => {
        this.child.kill('SIGKILL')
        throw new Error(`${error.message}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`)
      },
    )
  }

  /** Resolves once stdout or stderr contains `text`. */
  waitForOutput(text: string, timeoutMs = 10_000): Promise<void> {
    const found = new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.stdout.includes(text) || this.stderr.includes(text)) resolve()
        else if (this.child.exitCode !== null) reject(new Error(`the client exited first`))
        else return
        this.#waiters.delete(check)
      }
      this.#waiters.add(check)
      check()
    })
    return withTimeout(found, timeoutMs, `the client to print ${JSON.stringify(text)}`)
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check()
  }
}

export function runClient(args: readonly string[], options: RunOptions = {}): Promise<ClientRun> {
  return new ClientProcess(args, options).exited
}

/** Every stdout line parsed as JSON (fails the test on a line that is not). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}
