/**
 * The lab's entry point as a person meets it: `help` lists the subcommands, an unknown one stops
 * with one line naming it (exit 2).
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))

async function lab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MAIN, ...args], {
      timeout: 30_000,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

describe('npm run lab', () => {
  it('lists its subcommands with help', async () => {
    const { code, stdout } = await lab('help')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^ {2}experiments {2}/m)
  })

  it('stops with one line naming an unknown subcommand, exit 2', async () => {
    const { code, stderr } = await lab('bogus')
    expect(code).toBe(2)
    expect(stderr).toBe("lab: unknown subcommand 'bogus' (see npm run lab -- help)\n")
  })
})
