/**
 * What every echolab server does with its settings at start (DESIGN.md, "Configuration";
 * issue 11): a bad value, an empty value or a stray argument stops it with one line on stderr
 * and exit status 2, nothing logged; /metrics listens on loopback unless told otherwise. Each
 * server's end-to-end suite runs it against its real process:
 *
 *   describeSettingsAtStart('server-blocking', fileURLToPath(new URL('../src/main.ts', import.meta.url)))
 */
import { describe, expect, it } from 'vitest'
import { ServerProcess, startServer } from './server-process.ts'
import { withTimeout } from './watchdog.ts'

export function describeSettingsAtStart(serverName: string, entry: string): void {
  /** Runs the server with `args` and `env` until it exits by itself. */
  async function runToExit(args: readonly string[], env: Record<string, string> = {}) {
    const server = new ServerProcess(entry, args, env)
    const exit = await withTimeout(server.exited, 20_000, `${serverName} to exit by itself`)
    return { ...exit, stderr: server.stderr, logs: server.logs }
  }

  const emptyPort =
    'must be an integer 0-65535, got an empty value (leave it out for the default, 5000)'

  describe(`${serverName} settings at start`, () => {
    it.each([
      ['an empty variable', [], { PORT: '' }, `PORT ${emptyPort}`],
      ['an empty flag', ['--port='], {}, `--port ${emptyPort}`],
      [
        'an empty --host after a good one',
        ['--host', '127.0.0.1', '--host='],
        {},
        '--host must be a hostname or an IP address, got an empty value (leave it out for the default, 0.0.0.0)',
      ],
      ['a stray argument', ['6000'], {}, "unexpected argument '6000' (see --help)"],
      [
        'a value holding a newline',
        ['--port', '0'],
        { HOST: 'a\nb' },
        "HOST must be a hostname or an IP address, got 'a\\nb'",
      ],
      [
        'a value holding a bidi override',
        ['--log-level', 'info\u202e'],
        {},
        "--log-level must be one of fatal, error, warn, info, debug, trace, silent, got 'info\\u{202e}'",
      ],
      [
        'the metrics port on the echo port',
        ['--host', '127.0.0.1', '--port', '6123', '--metrics-port', '6123'],
        {},
        '--metrics-port (METRICS_PORT) must differ from --port (PORT), got 6123 for both: /metrics and the echo service each need their own port',
      ],
    ])('stops at %s with one line and exit status 2', async (_, args, env, line) => {
      const result = await runToExit(args, env)
      expect(result.stderr).toBe(`${serverName}: ${line}\n`)
      expect(result.code).toBe(2)
      expect(result.logs).toEqual([])
    })

    it('keeps /metrics on loopback while the echo port listens on every interface', async () => {
      const server = await startServer({
        entry,
        args: ['--host', '0.0.0.0', '--metrics-port', '0'],
      })
      try {
        const metrics = await server.waitForLog(
          (line) => line.msg === 'metrics endpoint listening',
          'the metrics endpoint to listen',
        )
        expect(metrics.address).toBe('127.0.0.1')
        const listening = server.logs.find((line) => line.msg === 'listening')
        expect(listening?.address).toBe('0.0.0.0')
      } finally {
        await server.stop()
      }
    })

    it('puts /metrics where --metrics-host says', async () => {
      const server = await startServer({
        entry,
        args: ['--metrics-port', '0', '--metrics-host', '0.0.0.0'],
      })
      try {
        const metrics = await server.waitForLog(
          (line) => line.msg === 'metrics endpoint listening',
          'the metrics endpoint to listen',
        )
        expect(metrics.address).toBe('0.0.0.0')
        const health = await withTimeout(
          fetch(`http://127.0.0.1:${metrics.port as number}/healthz`),
          10_000,
          '/healthz to answer',
        )
        expect(health.status).toBe(200)
      } finally {
        await server.stop()
      }
    })
  })
}
