/**
 * A client over a real socket for end-to-end tests: writes raw bytes, reads the server's lines
 * one at a time, every wait bounded.
 */
import { connect, createServer, type Socket } from 'node:net'
import { Waitlist } from './waitlist.ts'
import { DEFAULT_WAIT_MS, withTimeout } from './watchdog.ts'

const LF = 0x0a

export class LineClient {
  readonly socket: Socket
  /** Resolves when the server has closed its side (or the connection broke). */
  readonly ended: Promise<void>
  /** Resolves when the socket is fully closed. */
  readonly closed: Promise<void>
  #buffered = Buffer.alloc(0)
  #ended = false
  #error: Error | undefined
  readonly #waitlist = new Waitlist(() => this.#whyNoMoreLines())

  constructor(socket: Socket) {
    this.socket = socket
    socket.on('error', (error) => {
      this.#error = error
      this.#waitlist.notify()
    })
    socket.on('data', (chunk: Buffer) => {
      this.#buffered = Buffer.concat([this.#buffered, chunk])
      this.#waitlist.notify()
    })
    this.ended = new Promise((resolve) => {
      const done = (): void => {
        this.#ended = true
        this.#waitlist.notify()
        resolve()
      }
      socket.once('end', done)
      socket.once('close', done)
    })
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
  }

  /** Writes bytes exactly as given. */
  write(bytes: string | Uint8Array): void {
    this.socket.write(bytes)
  }

  /** Writes `text` and a LF. */
  sendLine(text: string): void {
    this.socket.write(`${text}\n`)
  }

  /** Half-closes: the server sees end of input. */
  end(): void {
    this.socket.end()
  }

  /** The next line the server sent, without its LF, as bytes. */
  nextLineBytes(timeoutMs = DEFAULT_WAIT_MS): Promise<Buffer> {
    return withTimeout(
      this.#waitlist.wait(() => {
        const lf = this.#buffered.indexOf(LF)
        if (lf === -1) return undefined
        const line = this.#buffered.subarray(0, lf)
        this.#buffered = this.#buffered.subarray(lf + 1)
        return line
      }),
      timeoutMs,
      'a line from the server',
    )
  }

  /** The next line the server sent, without its LF, decoded as UTF-8. */
  async nextLine(timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    return (await this.nextLineBytes(timeoutMs)).toString('utf8')
  }

  /** Everything the server sends until it closes the connection (what is left unread so far). */
  async readToEnd(timeoutMs = DEFAULT_WAIT_MS): Promise<Buffer> {
    await withTimeout(this.ended, timeoutMs, 'the server to close the connection')
    const rest = this.#buffered
    this.#buffered = Buffer.alloc(0)
    return rest
  }

  /** Bytes received and not yet read as lines. */
  get unread(): Buffer {
    return this.#buffered
  }

  destroy(): void {
    this.socket.destroy()
  }

  #whyNoMoreLines(): Error | undefined {
    if (!this.#ended && this.#error === undefined) return undefined
    const cause = this.#error ? `: ${this.#error.message}` : ''
    const unread =
      this.#buffered.length > 0 ? ` (unread: ${JSON.stringify(this.#buffered.toString())})` : ''
    return new Error(`connection ended before a line${cause}${unread}`)
  }
}

interface ConnectOptions {
  timeoutMs?: number
  /**
   * Keep this side open after the server closes its own, as `nc` does: for tests that the server
   * moves on without waiting for the client to close.
   */
  allowHalfOpen?: boolean
}

/** Connects to 127.0.0.1:`port`. */
export async function connectClient(
  port: number,
  options: ConnectOptions = {},
): Promise<LineClient> {
  return new LineClient(await connectSocket(port, options))
}

/** A plain socket connected to 127.0.0.1:`port`, for tests that read it their own way. */
export function connectSocket(port: number, options: ConnectOptions = {}): Promise<Socket> {
  const { timeoutMs = DEFAULT_WAIT_MS, allowHalfOpen = false } = options
  return withTimeout(
    new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true, allowHalfOpen })
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(socket)
      })
    }),
    timeoutMs,
    `a connection to 127.0.0.1:${port}`,
  )
}

/** A port nothing listens on right now (bind port 0, note the port, close), for a server that
 * must be told its port in advance. */
export async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}
