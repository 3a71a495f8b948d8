/**
 * Bench mode end to end: short bounded runs (1 s) of the real program against a real server, and
 * against servers that answer wrongly, so a benchmark that does not verify would be caught.
 */
import { Terminal } from '@echolab/testkit/terminal'
import { describe, expect, it } from 'vitest'
import { cleanupAfterEach } from './support/cleanup.ts'
import { CLIENT_MAIN, cleanEnv, jsonLines, runClient } from './support/client-process.ts'
import { freePort, onLines, startFakeServer, startOurServer } from './support/servers.ts'

const { started, defer } = cleanupAfterEach()

async function benchJson(args: string[]) {
  const run = await runClient(['bench', '--json', '-d', '1', ...args])
  const [result, ...rest] = jsonLines(run.stdout)
  expect(rest).toEqual([])
  return { code: run.code, stderr: run.stderr, result: result! }
}

describe('bench mode', () => {
  it('loads a real server for the duration, verifies every reply and reports rates and percentiles', async () => {
    const server = await started(startOurServer('server-threaded'))
    const { code, result } = await benchJson([
      '--port',
      String(server.port),
      '-c',
      '4',
      '-s',
      '100',
      '-p',
      '8',
    ])
    expect(code).toBe(0)
    expect(result).toMatchObject({
      mode: 'bench',
      host: '127.0.0.1',
      port: server.port,
      connections: 4,
      payloadBytes: 100,
      pipeline: 8,
      threads: 1,
      durationS: 1,
      mismatches: 0,
      errorLines: 0,
      droppedConnections: 0,
      unanswered: 0,
      firstProblem: null,
      ok: true,
    })
    const messages = result.messages as number
    expect(messages).toBeGreaterThan(0)
    expect(result.messagesPerSecond).toBeGreaterThan(0)
    expect(result.mbPerSecond).toBeGreaterThan(0)
    // Every message and every reply crossed the wire exactly once.
    expect(result.sentBytes).toBe(messages * 101)
    expect(result.receivedBytes).toBe(messages * 107)
    const latency = result.latencyUs as Record<string, number>
    expect(latency.min).toBeGreaterThan(0)
    expect(latency.min).toBeLessThanOrEqual(latency.p50!)
    expect(latency.p50).toBeLessThanOrEqual(latency.p99!)
    expect(latency.p99).toBeLessThanOrEqual(latency.max!)
  })

  it('spreads the connections over --threads worker threads', async () => {
    const server = await started(startOurServer('server-threaded'))
    const { code, result } = await benchJson([
      '--port',
      String(server.port),
      '-c',
      '3',
      '--threads',
      '2',
    ])
    expect(code).toBe(0)
    expect(result).toMatchObject({ threads: 2, connections: 3, ok: true })
    expect(result.messages).toBeGreaterThan(0)
  })

  it('prints a readable report without --json', async () => {
    const server = await started(startOurServer('server-blocking'))
    const run = await runClient(['bench', '--port', String(server.port), '-c', '1', '-d', '1'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /^bench 127\.0\.0\.1:\d+: 1 connections, 64-byte messages, pipeline 16, 1 thread, 1 s\n/,
    )
    expect(run.stdout).toMatch(/messages +[\d,]+ in [\d.]+ s = [\d,]+ msg\/s/)
    expect(run.stdout).toMatch(/throughput +[\d.]+ MB\/s of payload/)
    expect(run.stdout).toMatch(/latency +min .* p50 .* p90 .* p99 .* p99\.9 .* max /)
    expect(run.stdout).toContain('verified    every reply byte for byte: 0 wrong')
  })

  it('shows its progress on a terminal, then the report', async () => {
    const server = await started(startOurServer('server-threaded'))
    const terminal = await Terminal.open(
      [process.execPath, CLIENT_MAIN, 'bench', '--port', String(server.port), '-c', '2', '-d', '3'],
      cleanEnv(),
    )
    defer(() => terminal.close())
    await terminal.waitFor(/\d\.\d\/3 s {2}[\d,]+ messages {2}[\d,]+ msg\/s/)
    await terminal.waitFor('verified    every reply byte for byte')
    expect(await terminal.exitStatus()).toBe(0)
  })

  it('detects replies that are wrong by a single byte, and fails', async () => {
    // Right length and prefix, one byte changed: only a byte-for-byte check sees it.
    const server = await started(
      startFakeServer((socket) =>
        onLines(socket, (line) => socket.write(`Echo: ${line.slice(0, -1)}!\n`)),
      ),
    )
    const { code, result } = await benchJson(['--port', String(server.port), '-c', '2', '-p', '4'])
    expect(code).toBe(1)
    expect(result.ok).toBe(false)
    expect(result.mismatches).toBeGreaterThan(0)
    expect(result.messages).toBe(0)
    expect(result.firstProblem).toMatch(/^wrong reply to message 0: "Echo: 0000000000.*!"$/)
  })

  it('detects replies that belong to another message (out of order), and fails', async () => {
    const server = await started(
      startFakeServer((socket) => {
        let held: string | undefined
        onLines(socket, (line) => {
          if (held === undefined) {
            held = line
            return
          }
          socket.write(`Echo: ${line}\nEcho: ${held}\n`)
          held = undefined
        })
      }),
    )
    const { code, result } = await benchJson(['--port', String(server.port), '-c', '1', '-p', '4'])
    expect(code).toBe(1)
    expect(result.mismatches).toBeGreaterThan(0)
  })

  it('counts Error: lines and connections the server drops', async () => {
    const server = await started(
      startFakeServer((socket) => onLines(socket, () => socket.end('Error: server busy (test)\n'))),
    )
    const { code, result } = await benchJson(['--port', String(server.port), '-c', '2'])
    expect(code).toBe(1)
    expect(result.errorLines).toBe(2)
    expect(result.ok).toBe(false)
  })

  it('fails with a clear message when there is no server', async () => {
    const port = await freePort()
    const run = await runClient([
      'bench',
      '--port',
      String(port),
      '-d',
      '1',
      '--connect-timeout-ms',
      '0',
    ])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(
      `echolab-client: bench failed: cannot connect to 127.0.0.1:${port} (connection refused: is the server running?; 1 attempt)\n`,
    )
  })
})
