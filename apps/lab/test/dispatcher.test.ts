/**
 * The lab's entry point as a person meets it: `help` lists the subcommands, an unknown one stops
 * with one line naming it (exit 2).
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))

interface Ran {
  code: number
  stdout: string
  stderr: string
}

async function lab(...args: string[]): Promise<Ran> {
  return labWith({}, ...args)
}

/** The lab run with these variables added to the environment. */
async function labWith(env: Record<string, string>, ...args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MAIN, ...args], {
      timeout: 30_000,
      env: { ...process.env, ...env },
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
    expect(stdout).toContain('npm run lab -- NAME --help')
  })

  it('stops with one line naming an unknown subcommand, exit 2', async () => {
    const { code, stderr } = await lab('bogus')
    expect(code).toBe(2)
    expect(stderr).toBe("lab: unknown subcommand 'bogus' (see npm run lab -- help)\n")
  })
})

describe("a subcommand's flags, read like every echolab program's", () => {
  it('an unknown flag is one line naming it, control characters escaped, exit 2', async () => {
    const { code, stderr } = await lab('scale', '--bo\ngus')
    expect(code).toBe(2)
    expect(stderr).toMatch(/^lab: Unknown option '--bo\\ngus'.*\(see --help\)\n$/)
    expect(stderr.split('\n')).toHaveLength(2)
  })

  it('a bad value names the flag, the value and what is allowed, exit 2', async () => {
    const { code, stderr } = await lab('live', '--port', 'abc')
    expect(code).toBe(2)
    expect(stderr).toBe("lab: --port must be an integer 0-65535, got 'abc'\n")
  })

  it('each flag is also a LAB_ variable, refused the same way', async () => {
    const { code, stderr } = await labWith({ LAB_SCALE_CLIENTS: '0' }, 'scale')
    expect(code).toBe(2)
    expect(stderr).toBe(
      "lab: LAB_SCALE_CLIENTS must be a comma-separated list of integers 1-256, got '0'\n",
    )
  })

  it('one argument too many is named, exit 2', async () => {
    const { code, stderr } = await lab('live', 'threaded', 'extra')
    expect(code).toBe(2)
    expect(stderr).toBe("lab: unexpected argument 'extra' (see --help)\n")
  })

  it("--help lists the subcommand's flags and variables, exit 0", async () => {
    const { code, stdout } = await lab('scale', '--help')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^Usage: npm run lab -- scale /)
    expect(stdout).toMatch(/--clients V +LAB_SCALE_CLIENTS/)
    expect(stdout).toMatch(/--reports V +LAB_REPORTS_DIR/)
  })
})
