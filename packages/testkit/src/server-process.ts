/**
 * A real server process for end-to-end tests: started on 127.0.0.1 and port 0 with JSON logs,
 * ready once it logs "listening" with its port, every log line kept and searchable.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process'
import type { Socket } from 'node:net'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { Waitlist } from './waitlist.ts'
import { DEFAULT_WAIT_MS, withTimeout } from './watchdog.ts'

export interface LogLine {
  level: string
  msg: string
  [field: string]: unknown
}

export interface StartServerOptions {
  /** The server's entry file (e.g. `src/main.ts` of the app under test). */
  entry: string
  /** Extra flags; `--host 127.0.0.1 --port 0` come first. */
  args?: readonly string[]
  env?: Record<string, string>
  /** How long the server may take to log "listening". */
  startTimeoutMs?: number
  /**
   * A command that runs the server, e.g. `['prlimit', '--nofile=256', '--']` for a server with
   * few file descriptors. It must exec the server, so that the PID is the server's.
   */
  runUnder?: readonly string[]
}

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

const running = new Set<ServerProcess>()
process.once('exit', () => {
  for (const server of running) server.kill()
})

export class ServerProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>
  readonly logs: LogLine[] = []
  /** Everything the server wrote to stderr. */
  stderr = ''
  /** Lines of stdout that were not JSON. */
  readonly otherOutput: string[] = []
  readonly exited: Promise<Exit>
  readonly #waitlist = new Waitlist(() => this.#whyNoMoreLogs())
  #exit: Exit | undefined

  /**
   * Runs `node <entry> <args>`; with `launcher`, runs `<program> <entry> <args>` in `cwd`
   * instead, e.g. `{ program: 'npm' }` and entry `start` for the way a person starts it. With
   * `runUnder` (e.g. `['prlimit', '--nofile=256', '--']`), that command runs it.
   */
  constructor(
    entry: string,
    args: readonly string[],
    env: Record<string, string>,
    launcher: { program: string; cwd: string } = { program: process.execPath, cwd: process.cwd() },
    runUnder: readonly string[] = [],
  ) {
    const [command, ...commandArgs] = [...runUnder, launcher.program, entry, ...args]
    this.child = spawn(command as string, commandArgs, {
      cwd: launcher.cwd,
      env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    running.add(this)
    this.child.stderr.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text
      this.#waitlist.notify()
    })
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine)
      } catch {
        this.otherOutput.push(line)
      }
      this.#waitlist.notify()
    })
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': it comes once the process has exited and its stdout and stderr have
      // closed, so the last log lines have arrived (stdout may close before 'exit' is emitted).
      this.child.once('close', (code, signal) => {
        running.delete(this)
        this.#exit = { code, signal }
        resolve(this.#exit)
        this.#waitlist.notify()
      })
    })
  }

  get pid(): number {
    return this.child.pid ?? -1
  }

  /** Resolves with the first log line (already logged or still to come) that matches. */
  waitForLog(
    matches: (line: LogLine) => boolean,
    what = 'a matching log line',
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<LogLine> {
    return withTimeout(
      this.#waitlist.wait(() => this.logs.find(matches)),
      timeoutMs,
      what,
    )
  }

  /** Resolves with the first line of stdout that is not JSON (a pretty log line) and matches. */
  waitForOutput(pattern: RegExp, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    return withTimeout(
      this.#waitlist.wait(() => this.otherOutput.find((line) => pattern.test(line))),
      timeoutMs,
      what,
    )
  }

  /** Waits until `count` log lines match. */
  waitForLogs(
    matches: (line: LogLine) => boolean,
    count: number,
    what: string,
    timeoutMs = DEFAULT_WAIT_MS,
  ) {
    // Each new line is matched once: `logs` only grows, and a wait for thousands of lines must
    // not scan them all again on each one.
    const found: LogLine[] = []
    let scanned = 0
    return withTimeout(
      this.#waitlist.wait(() => {
        for (; scanned < this.logs.length; scanned++) {
          const line = this.logs[scanned]!
          if (matches(line)) found.push(line)
        }
        return found.length >= count ? found : undefined
      }),
      timeoutMs,
      what,
    )
  }

  /** Sends `signal` and waits for the process to exit; one that does not is killed, and it throws. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal)
    try {
      return await withTimeout(this.exited, timeoutMs, `server ${this.pid} to exit after ${signal}`)
    } catch (error) {
      // The test fails on it, but the process must not outlive the test run.
      this.kill()
      throw error
    }
  }

  /** Last resort, for cleanup: ends this process (and only this one) by its PID. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
  }

  // Only once stdout has closed: until then the line a test waits for may still be on its way.
  #whyNoMoreLogs(): Error | undefined {
    if (this.#exit === undefined) return undefined
    const { code, signal } = this.#exit
    return new Error(`server exited (${code ?? signal}) before that; stderr: ${this.stderr}`)
  }
}

/** The server's "connected" line for `client`, matched by its local port (the server's `peer`). */
export function connectedLineOf(
  server: ServerProcess,
  client: { socket: Socket },
): Promise<LogLine> {
  const peer = `127.0.0.1:${client.socket.localPort}`
  return server.waitForLog(
    (line) => line.msg === 'connected' && line.peer === peer,
    `the server to log that ${peer} connected`,
  )
}

export interface RunningServer extends ServerProcess {
  port: number
}

/** Starts a server on 127.0.0.1:0 and resolves once it is listening, with its port. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { entry, args = [], env = {}, startTimeoutMs = 15_000, runUnder } = options
  const server = new ServerProcess(
    entry,
    ['--host', '127.0.0.1', '--port', '0', ...args],
    env,
    undefined,
    runUnder,
  )
  try {
    const line = await server.waitForLog(
      (l) => l.msg === 'listening' && typeof l.port === 'number',
      `${entry} to log "listening"`,
      startTimeoutMs,
    )
    return Object.assign(server, { port: line.port as number })
  } catch (error) {
    server.kill()
    throw error
  }
}
