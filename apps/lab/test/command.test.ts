/**
 * `npm run lab` as a person runs it: the real program in a child process, its output piped (so
 * plain text), its report in a temporary folder; and Ctrl-C in the middle leaves no server behind.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { withTimeout } from '@echolab/testkit'
import { afterEach, describe, expect, it } from 'vitest'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const ESC = '\u001b'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

function reportsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'echolab-lab-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

interface Lab {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
  /** Resolves with the first match of `pattern` in stdout, once it shows. */
  waitFor: (pattern: RegExp) => Promise<RegExpMatchArray>
}

function startLab(args: readonly string[]): Lab {
  const child = spawn(process.execPath, [MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '' },
  })
  cleanups.push(() => child.kill('SIGKILL'))
  let stdout = ''
  const waiters = new Set<() => void>()
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text
    for (const check of [...waiters]) check()
  })
  child.stderr.resume()
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve))
  return {
    child,
    output: () => stdout,
    exited: withTimeout(exited, 90_000, `npm run lab -- ${args.join(' ')} to exit`),
    waitFor: (pattern) =>
      withTimeout(
        new Promise((resolve) => {
          const check = (): void => {
            const match = stdout.match(pattern)
            if (match === null) return
            waiters.delete(check)
            resolve(match)
          }
          waiters.add(check)
          check()
        }),
        30_000,
        `the lab to print ${pattern}`,
      ),
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('npm run lab -- 2', () => {
  it('prints the experiment, its timeline and its checks as plain text when piped, and writes the report', async () => {
    const dir = reportsDir()
    const lab = startLab(['2', '--reports', dir])
    expect(await lab.exited).toBe(0)
    const out = lab.output()
    expect(out).not.toContain(ESC)
    expect(out).toContain('Experiment 2: the blocking server and two clients started together')
    expect(out).toMatch(/^client 1 +[^\n]*█/m)
    expect(out).toMatch(/^client 2 +[^\n]*░[^\n]*█/m)
    expect(out).toContain('✓ client 2 gets no reply until client 1 has left')
    expect(out).not.toContain('✗')
    const report = join(dir, 'lab.html')
    expect(out).toContain(`report: ${report}`)
    expect(readFileSync(report, 'utf8')).toContain('data-experiment="2"')
  })
})

describe('Ctrl-C during an experiment', () => {
  it('stops the servers it started (by PID) and exits 130', async () => {
    const lab = startLab(['5', '--reports', reportsDir()])
    const [blocking, threaded] = [
      await lab.waitFor(/server-blocking listening on 127\.0\.0\.1:\d+, pid (\d+)/),
      await lab.waitFor(/server-threaded listening on 127\.0\.0\.1:\d+, pid (\d+)/),
    ]
    const pids = [Number(blocking[1]), Number(threaded[1])]
    expect(pids.every(isRunning)).toBe(true)
    lab.child.kill('SIGINT')
    expect(await lab.exited).toBe(130)
    expect(pids.filter(isRunning)).toEqual([])
  })
})
