/**
 * The conformance suite: what every echolab server does on the wire, whatever its scheduling
 * (DESIGN.md, "The wire protocol"; STYLE.md principle 19). Each server's end-to-end suite runs it
 * once, against real processes over real sockets:
 *
 *   import { describeConformance, startServer } from '@echolab/testkit'
 *   describeConformance('server-blocking', (args, env) => startServer({ entry, args, env }))
 *
 * The API, kept stable for every server that uses it:
 * - `describeConformance(serverName, start)` registers a vitest `describe` block named
 *   `${serverName} conformance`. Call it at the top level of a test file.
 * - `start(args, env)` starts a fresh server on 127.0.0.1, port 0 (what `startServer` does) with
 *   `args` as extra flags, and resolves once it listens. The suite stops every server it starts.
 *   Flags it passes: --max-message-bytes, --idle-timeout-ms, --max-buffered-reply-bytes and
 *   --drain-timeout-ms (the shared SERVER_SETTINGS).
 * - It reads one log line: "session ended" with its `reason` (from server-core's `ConnectionServer`).
 * - Every test uses one client at a time, so it holds for a server that serves one at a time.
 * - The longest test (a client that does not read) needs a vitest testTimeout of 60 s or more.
 */
import type { Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectClient, connectSocket, type LineClient } from './line-client.ts'
import type { RunningServer } from './server-process.ts'
import { withTimeout } from './watchdog.ts'

type StartConformanceServer = (
  args?: readonly string[],
  env?: Record<string, string>,
) => Promise<RunningServer>

const LIMIT_BYTES = 16
const IDLE_TIMEOUT_MS = 400

export function describeConformance(serverName: string, start: StartConformanceServer): void {
  describe(`${serverName} conformance`, () => {
    const clients: LineClient[] = []
    /** A client whose socket errors are recorded: a clean close has none. */
    async function client(server: RunningServer): Promise<LineClient & { errors: Error[] }> {
      const connected = Object.assign(await connectClient(server.port), { errors: [] as Error[] })
      connected.socket.on('error', (error) => connected.errors.push(error))
      clients.push(connected)
      return connected
    }
    afterEach(() => {
      for (const connected of clients.splice(0)) connected.destroy()
    })

    describe('with the default settings', () => {
      const server = startedFor(start)

      it('drops the CR of a CR LF line ending, and only one CR', async () => {
        const c = await client(server())
        c.write('hello\r\n')
        expect(await c.nextLineBytes()).toEqual(Buffer.from('Echo: hello'))
        c.write('x\r\r\n')
        expect(await c.nextLineBytes()).toEqual(Buffer.from('Echo: x\r'))
      })

      it('answers many messages sent in one packet, one reply each, in order', async () => {
        const c = await client(server())
        c.write('one\ntwo\nthree\n')
        expect(await c.nextLine()).toBe('Echo: one')
        expect(await c.nextLine()).toBe('Echo: two')
        expect(await c.nextLine()).toBe('Echo: three')
      })

      it('echoes a message sent byte by byte, split inside multi-byte characters, whole', async () => {
        const c = await client(server())
        const message = Buffer.from('Olá, meu amigo Servidor ✓ 😀')
        for (const byte of Buffer.concat([message, Buffer.from('\n')])) {
          await new Promise<void>((resolve) => c.socket.write(Buffer.of(byte), () => resolve()))
        }
        expect(await c.nextLineBytes()).toEqual(Buffer.concat([Buffer.from('Echo: '), message]))
      })

      it('echoes opaque bytes (NUL, invalid UTF-8, controls) unchanged', async () => {
        const c = await client(server())
        const message = Buffer.of(0x00, 0xff, 0xfe, 0xc3, 0x28, 0x80, 0x01, 0x7f, 0x09, 0x00)
        c.write(Buffer.concat([message, Buffer.from('\n')]))
        expect(await c.nextLineBytes()).toEqual(Buffer.concat([Buffer.from('Echo: '), message]))
      })

      it('answers an empty message with an empty echo', async () => {
        const c = await client(server())
        c.write('\n\r\n')
        expect(await c.nextLineBytes()).toEqual(Buffer.from('Echo: '))
        expect(await c.nextLineBytes()).toEqual(Buffer.from('Echo: '))
      })

      it.each(['sair', 'SAIR', ' exit ', 'quit', '\tQuit\r'])(
        'ends the session on %j, answering nothing after it',
        async (word) => {
          const c = await client(server())
          c.write(`before\n${word}\nafter\n`)
          expect((await c.readToEnd()).toString()).toBe('Echo: before\n')
          expect(c.errors).toEqual([])
        },
      )

      it('answers a last message without LF when the client half-closes, then closes', async () => {
        const c = await client(server())
        c.write('first\nlast')
        c.end()
        expect((await c.readToEnd()).toString()).toBe('Echo: first\nEcho: last\n')
        expect(c.errors).toEqual([])
      })

      it('closes without a byte when a client half-closes having sent nothing', async () => {
        const c = await client(server())
        c.end()
        expect(await c.readToEnd()).toEqual(Buffer.alloc(0))
        expect(c.errors).toEqual([])
      })
    })

    describe(`with a message limit of ${LIMIT_BYTES} bytes`, () => {
      const server = startedFor(start, ['--max-message-bytes', String(LIMIT_BYTES)])

      it('echoes a message of exactly the limit, with LF or CR LF', async () => {
        const c = await client(server())
        c.write('0123456789abcdef\n0123456789abcdef\r\n')
        expect(await c.nextLine()).toBe('Echo: 0123456789abcdef')
        expect(await c.nextLine()).toBe('Echo: 0123456789abcdef')
      })

      it('answers what it owes, then refuses a message over the limit and closes', async () => {
        const c = await client(server())
        c.write('ok\n0123456789abcdefg\nnever answered\n')
        expect((await c.readToEnd()).toString()).toBe(
          'Echo: ok\nError: message too long (limit 16 bytes)\n',
        )
      })

      it('refuses a message as soon as it passes the limit, before any LF, and serves the next client', async () => {
        const c = await client(server())
        c.write('y'.repeat(100))
        expect((await c.readToEnd()).toString()).toBe('Error: message too long (limit 16 bytes)\n')
        c.destroy()
        const next = await client(server())
        next.sendLine('still here')
        expect(await next.nextLine()).toBe('Echo: still here')
      })
    })

    describe('with a client that resets its connection', () => {
      const server = startedFor(start)

      it('a reset in the middle of a message ends only that session', async () => {
        const c = await client(server())
        c.write('before the reset\n')
        expect(await c.nextLine()).toBe('Echo: before the reset')
        await new Promise<void>((resolve) => c.socket.write('half a mess', () => resolve()))
        c.socket.resetAndDestroy()
        await withTimeout(c.closed, 5_000, 'the reset client to close')
        await server().waitForLog(
          (line) => line.msg === 'session ended' && line.reason === 'peer-reset',
          'the server to log that the session ended with a reset',
        )
        const next = await client(server())
        next.sendLine('after the reset')
        expect(await next.nextLine()).toBe('Echo: after the reset')
      })
    })

    describe('with a client that does not read its replies', () => {
      const server = startedFor(start, [
        '--max-buffered-reply-bytes',
        String(64 * 1024),
        '--drain-timeout-ms',
        '120000',
      ])

      it('stops reading from it, and once it reads, every reply arrives intact and in order', async () => {
        const socket = await connectSocket(server().port)
        const errors: Error[] = []
        socket.on('error', (error) => errors.push(error))
        // Never read until told to: no 'data' listener, and paused.
        socket.pause()
        try {
          const sent = await writeUntilStalled(socket)
          // The server's replies and our messages fill every buffer on the way; once they are
          // full the server must stop reading, or it would hold every reply in memory.
          expect(sent.stalled).toBe(true)
          socket.end()
          const replies = await readReplies(socket)
          expect(replies.error).toBeUndefined()
          expect(replies.count).toBe(sent.messages)
          expect(errors).toEqual([])
        } finally {
          socket.destroy()
        }
      })
    })

    describe(`with an idle timeout of ${IDLE_TIMEOUT_MS} ms`, () => {
      const server = startedFor(start, ['--idle-timeout-ms', String(IDLE_TIMEOUT_MS)])

      it('tells a client that stays silent, then closes', async () => {
        const c = await client(server())
        c.sendLine('hi')
        expect(await c.nextLine()).toBe('Echo: hi')
        expect((await c.readToEnd()).toString()).toBe(
          'Error: idle timeout (no message for 400 ms)\n',
        )
      })
    })
  })
}

/** Starts a server for the enclosing describe block and stops it after its last test. */
function startedFor(start: StartConformanceServer, args: readonly string[] = []) {
  let server: RunningServer | undefined
  beforeAll(async () => {
    server = await start(args)
  })
  afterAll(async () => {
    await server?.stop()
  })
  return (): RunningServer => {
    if (server === undefined) throw new Error('the server did not start')
    return server
  }
}

// ---- a client that does not read ----------------------------------------------------------------

const MESSAGE_BYTES = 100
const MESSAGES_PER_WRITE = 640
// Bounds the test: far more than every socket buffer between two local processes can hold.
const MAX_WRITES = 4_000
// No 'drain' for this long while the server is echoing to a client that does not read: the
// buffers are full and the server has stopped reading. (Only a slow machine can make this early,
// which still leaves the rest of the test meaningful.)
const STALL_MS = 1_500

function message(index: number): string {
  const label = `m${index}:`
  return label + '.'.repeat(MESSAGE_BYTES - label.length)
}

async function writeUntilStalled(socket: Socket): Promise<{ messages: number; stalled: boolean }> {
  let messages = 0
  for (let write = 0; write < MAX_WRITES; write++) {
    const lines: string[] = []
    for (let i = 0; i < MESSAGES_PER_WRITE; i++) lines.push(message(messages++))
    if (!socket.write(`${lines.join('\n')}\n`) && !(await drained(socket, STALL_MS))) {
      return { messages, stalled: true }
    }
  }
  return { messages, stalled: false }
}

function drained(socket: Socket, withinMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.off('drain', onDrain)
      resolve(false)
    }, withinMs)
    const onDrain = (): void => {
      clearTimeout(timer)
      resolve(true)
    }
    socket.once('drain', onDrain)
  })
}

/** Reads until the server closes, checking each reply against the message it answers. */
function readReplies(socket: Socket): Promise<{ count: number; error?: string }> {
  return withTimeout(
    new Promise((resolve) => {
      let count = 0
      let partial = ''
      let error: string | undefined
      socket.setEncoding('latin1')
      socket.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n')
        partial = lines.pop()!
        for (const line of lines) {
          if (error === undefined && line !== `Echo: ${message(count)}`) {
            error = `reply ${count} was ${JSON.stringify(line.slice(0, 40))}`
          }
          count++
        }
      })
      socket.once('close', (hadError) => {
        if (hadError) error ??= 'the connection broke'
        if (partial !== '') error ??= `unterminated last reply ${JSON.stringify(partial)}`
        resolve(error === undefined ? { count } : { count, error })
      })
      socket.resume()
    }),
    60_000,
    'every reply to arrive',
  )
}
