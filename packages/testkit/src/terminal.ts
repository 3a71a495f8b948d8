/**
 * A real terminal for the tests of what a person does at one (the client's interactive mode,
 * Ctrl-C on a server under `npm start`): a private tmux server (its own socket, so nothing else
 * is touched) runs the program in a pane with a real pseudo-terminal. Tests type keys with
 * send-keys and read the screen with capture-pane; every wait for text has a bound.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const POLL_MS = 50
const DEFAULT_WAIT_MS = 15_000
const PANE = 'client'
// tmux's own #{pane_dead_status} is sometimes empty when the pty closes before the exit is
// reaped, so a shell around the program prints the status instead.
const EXIT_LINE = /\[exited with status (\d+)\]/
const REPORT_EXIT = '"$@"; echo "[exited with status $?]"'

export class Terminal {
  readonly #socket: string
  readonly #dir: string
  readonly #env: Record<string, string>

  private constructor(socket: string, dir: string, env: Record<string, string>) {
    this.#socket = socket
    this.#dir = dir
    this.#env = env
  }

  /**
   * Starts `command` in a 120x40 terminal, with exactly `env` as its environment and in `cwd`;
   * the pane stays after it exits, to read its status.
   */
  static async open(
    command: readonly string[],
    env: Record<string, string>,
    cwd = process.cwd(),
  ): Promise<Terminal> {
    const dir = mkdtempSync(join(tmpdir(), 'echolab-terminal-'))
    const config = join(dir, 'tmux.conf')
    writeFileSync(
      config,
      'set -g remain-on-exit on\nset -g history-limit 10000\nset -g status off\n',
    )
    const terminal = new Terminal(join(dir, 'tmux.sock'), dir, env)
    await terminal.#tmux(
      '-f',
      config,
      'new-session',
      '-d',
      '-x',
      '120',
      '-y',
      '40',
      '-s',
      PANE,
      '-c',
      cwd,
      '--',
      'sh',
      '-c',
      REPORT_EXIT,
      'sh',
      ...command,
    )
    return terminal
  }

  /** What the terminal shows now, scrollback included, blank lines at the end cut. */
  async screen({ colours = false } = {}): Promise<string> {
    const args = [
      'capture-pane',
      '-p',
      '-J',
      '-N',
      '-S',
      '-',
      '-t',
      PANE,
      ...(colours ? ['-e'] : []),
    ]
    const { stdout } = await this.#tmux(...args)
    return stdout.replace(/\n[\s\n]*$/, '')
  }

  /** Resolves with the screen once it matches `pattern`; fails with the screen after `timeoutMs`. */
  async waitFor(pattern: string | RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const screen = await this.screen()
      if (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen))
        return screen
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${String(pattern)}; the screen:\n${screen}`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  }

  /** Types `text` as it is (no Enter). */
  async type(text: string): Promise<void> {
    await this.#tmux('send-keys', '-t', PANE, '-l', text)
  }

  /** Presses keys by tmux name: 'Enter', 'C-d', 'C-c'. */
  async press(...keys: string[]): Promise<void> {
    await this.#tmux('send-keys', '-t', PANE, ...keys)
  }

  /** The program's exit status, once it has exited (the shell around it prints it). */
  async exitStatus(timeoutMs = DEFAULT_WAIT_MS): Promise<number> {
    const screen = await this.waitFor(EXIT_LINE, timeoutMs)
    return Number(screen.match(EXIT_LINE)?.[1])
  }

  /** Ends this terminal's tmux server (and the program in it) and removes its files. */
  async close(): Promise<void> {
    await this.#tmux('kill-server').catch(() => {})
    rmSync(this.#dir, { recursive: true, force: true })
  }

  #tmux(...args: string[]): Promise<{ stdout: string }> {
    return run('tmux', ['-S', this.#socket, ...args], { env: this.#env })
  }
}
