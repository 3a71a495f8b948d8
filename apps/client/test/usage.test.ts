/**
 * Bad usage exits 2 with one line naming the setting; --help and --version answer and exit 0.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runClient } from './support/client-process.ts'

const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  version: string
}

describe('bad usage exits 2 with one line that names the problem', () => {
  it.each([
    [['--port', 'abc'], {}, "echolab-client: --port must be an integer 1-65535, got 'abc'"],
    [
      [],
      { SERVER_PORT: '70000' },
      "echolab-client: SERVER_PORT must be an integer 1-65535, got '70000'",
    ],
    [
      [],
      { CLIENT_COUNT: 'lots' },
      "echolab-client: CLIENT_COUNT must be an integer 1-1000000, got 'lots'",
    ],
    [
      [],
      { CLIENT_JSON: 'maybe' },
      'echolab-client: CLIENT_JSON must be one of 1, true, yes, on, 0, false, no, off',
    ],
    [
      ['--text', 'hi {who}'],
      {},
      'echolab-client: --text must be a template whose placeholders are {name} and {n}',
    ],
    [
      ['--message', 'a', '--count', '2'],
      {},
      'echolab-client: --message (CLIENT_MESSAGES) cannot be combined',
    ],
    [
      [],
      { SERVER_PORT: '' },
      'echolab-client: SERVER_PORT must be an integer 1-65535, got an empty value (leave it out for the default, 5000)',
    ],
    [
      ['--host='],
      {},
      'echolab-client: --host must be a hostname or an IP address, got an empty value',
    ],
    [[], { CLIENT_NAME: ' ' }, "echolab-client: CLIENT_NAME must be a name (not blank), got ' '"],
    [['--bogus'], {}, "echolab-client: Unknown option '--bogus'"],
    [['extra'], {}, "echolab-client: unexpected argument 'extra'"],
    [['bench', '-d', '0'], {}, "echolab-client: --duration must be an integer 1-600, got '0'"],
    [['bench', '-c', '2', '--message', 'x'], {}, "echolab-client: Unknown option '--message'"],
    [
      ['bench', '-p', '4096', '-s', '1000000'],
      {},
      'echolab-client: --pipeline × --size must keep at most 67108864 bytes in flight per connection, got 4096 × 1000000',
    ],
  ])('%j with %j', async (args, env, message) => {
    const run = await runClient(args, { env })
    expect(run.code).toBe(2)
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    expect(run.stderr).toContain(message)
    expect(run.stdout).toBe('')
  })
})

describe('--help and --version', () => {
  it('--help shows every setting with its flag, its variable and its default, and the exit codes', async () => {
    const run = await runClient(['--help'])
    expect(run.code).toBe(0)
    for (const text of [
      '--host',
      'SERVER_HOST',
      'SERVER_PORT',
      'CLIENT_MESSAGES',
      'CLIENT_COUNT',
      'CLIENT_TEXT',
      'CLIENT_INTERVAL_MS',
      'CLIENT_NAME',
      'CLIENT_JSON',
      'CLIENT_CONNECT_TIMEOUT_MS',
      'CLIENT_REPLY_TIMEOUT_MS',
      'BENCH_CONNECTIONS',
      '-c, --connections',
      '(default: 127.0.0.1)',
      'Exit status: 0',
    ]) {
      expect(run.stdout).toContain(text)
    }
  })

  it('--version prints the version in package.json', async () => {
    const run = await runClient(['--version'])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`${version}\n`)
  })
})
