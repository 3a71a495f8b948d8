import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConfigError, ProgramError, runMain } from '../src/index.ts'

/** Runs `main` under runMain and returns what it wrote to stderr and the exit code it set. */
async function outcome(main: () => Promise<void>): Promise<{ stderr: string; exitCode: unknown }> {
  let stderr = ''
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk)
    return true
  })
  let finished = () => {}
  const done = new Promise<void>((resolve) => {
    finished = resolve
  })
  runMain('prog', () => main().finally(() => setImmediate(finished)))
  await done
  return { stderr, exitCode: process.exitCode }
}

describe('runMain', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    process.exitCode = undefined
  })

  it('ends a ProgramError with its one line and its exit status', async () => {
    const failed = await outcome(async () => {
      throw new ProgramError('cannot listen on 127.0.0.1:80: permission denied', 3)
    })
    expect(failed).toEqual({
      stderr: 'prog: cannot listen on 127.0.0.1:80: permission denied\n',
      exitCode: 3,
    })
  })

  it('ends a bad setting with exit status 2', async () => {
    const failed = await outcome(async () => {
      throw new ConfigError("PORT must be an integer 0-65535, got 'abc'")
    })
    expect(failed).toEqual({
      stderr: "prog: PORT must be an integer 0-65535, got 'abc'\n",
      exitCode: 2,
    })
  })

  it('ends anything else as a bug: the stack trace and exit status 1', async () => {
    const failed = await outcome(async () => {
      throw new TypeError('x is undefined')
    })
    expect(failed.exitCode).toBe(1)
    expect(failed.stderr).toMatch(/^prog: TypeError: x is undefined\n\s+at /)
  })

  it('leaves the exit status alone when main succeeds', async () => {
    expect(await outcome(async () => {})).toEqual({ stderr: '', exitCode: undefined })
  })
})
