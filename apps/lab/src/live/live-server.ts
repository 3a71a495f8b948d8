/**
 * The server `lab live` runs: a child process in a process group of its own, so the terminal's
 * Ctrl-C reaches only the lab, which then stops the server with one SIGTERM (a second signal
 * would mean "now" to the server). Its JSON log lines are read as they come.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { ProgramError } from '@echolab/cli'

/** How long the server may take to listen, and to stop after SIGTERM (its grace is 5 s). */
const START_MS = 30_000
const STOP_MS = 20_000

export type LogLine = Record<string, unknown> & { msg?: unknown }

interface Ready {
  echoPort: number
  pagePort: number
  /** Where a browser on this machine reaches the page. */
  pageHost: string
}

export class LiveServer {
  readonly #child: ChildProcessByStdio<null, Readable, Readable>
  readonly #listeners = new Set<(line: LogLine) => void>()
  /** Resolves with how the process ended. */
  readonly exited: Promise<string>
  #stderr = ''

  static start(entry: string, flags: readonly string[]): LiveServer {
    return new LiveServer(entry, flags)
  }

  constructor(entry: string, flags: readonly string[]) {
    this.#child = spawn(process.execPath, [entry, ...flags], {
      env: { ...process.env, LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    const pid = this.#child.pid
    // Whatever happens to the lab, the server it started does not outlive it.
    const killOnExit = (): void => {
      if (pid !== undefined && this.#child.exitCode === null) process.kill(pid, 'SIGKILL')
    }
    process.once('exit', killOnExit)
    this.exited = new Promise((resolve) => {
      this.#child.once('close', (code, signal) => {
        process.off('exit', killOnExit)
        resolve(signal === null ? `exit status ${code}` : `signal ${signal}`)
      })
    })
    this.#child.stderr.setEncoding('utf8').on('data', (text: string) => {
      this.#stderr += text
    })
    createInterface({ input: this.#child.stdout }).on('line', (text) => {
      let line: LogLine
      try {
        line = JSON.parse(text) as LogLine
      } catch {
        return
      }
      for (const listener of this.#listeners) listener(line)
    })
  }

  /** What the server last wrote to stderr (its one-line reason when it fails). */
  get lastError(): string {
    return this.#stderr.trim().split('\n').at(-1) ?? ''
  }

  onLogLine(listener: (line: LogLine) => void): void {
    this.#listeners.add(listener)
  }

  /** Resolves once the echo port and the page listen; rejects if the server exits first. */
  ready(): Promise<Ready> {
    return new Promise((resolve, reject) => {
      let page: { port: number; host: string } | undefined
      const timer = setTimeout(() => fail(`did not start within ${START_MS / 1000} s`), START_MS)
      const fail = (why: string): void => {
        clearTimeout(timer)
        this.#listeners.delete(listen)
        reject(new ProgramError(`the server ${why}: ${this.lastError}`, 1))
      }
      const listen = (line: LogLine): void => {
        if (line.msg === 'metrics endpoint listening') {
          page = { port: line.port as number, host: browserHost(line.address as string) }
        } else if (line.msg === 'listening' && page !== undefined) {
          clearTimeout(timer)
          this.#listeners.delete(listen)
          resolve({ echoPort: line.port as number, pagePort: page.port, pageHost: page.host })
        }
      }
      this.#listeners.add(listen)
      void this.exited.then((how) => fail(`stopped before listening (${how})`))
    })
  }

  /** SIGTERM by PID, once; SIGKILL if it has not exited within STOP_MS. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return
    this.#child.kill('SIGTERM')
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_MS)
    await this.exited
    clearTimeout(timer)
  }
}

/** The address a browser on this machine uses for a server listening on `address`. */
function browserHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1'
  if (address === '::') return '[::1]'
  return address.includes(':') ? `[${address}]` : address
}
