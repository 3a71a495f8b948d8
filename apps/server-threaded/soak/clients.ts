/**
 * The soak's clients, each a short script over a real socket that checks every byte it gets
 * back and says what went wrong if anything did. Held clients stay connected and talk now and
 * then; churners connect, do one thing, and leave in one of the ways a real client leaves.
 */
import { connect, type Socket } from 'node:net'

const WAIT_MS = 15_000

/** A connection that reads the server's bytes as they come, every wait bounded. */
export class SoakConnection {
  readonly socket: Socket
  #received = Buffer.alloc(0)
  #ended = false
  #wake: (() => void) | null = null

  private constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk])
      this.#wake?.()
    })
    const ended = (): void => {
      this.#ended = true
      this.#wake?.()
    }
    socket.on('end', ended)
    socket.on('close', ended)
  }

  static open(port: number): Promise<SoakConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true, allowHalfOpen: true })
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        socket.on('error', () => {}) // the close that follows says enough
        resolve(new SoakConnection(socket))
      })
    })
  }

  /** Waits until `bytes` bytes have come, and checks they are exactly `expected`. */
  async expect(expected: Buffer, what: string): Promise<void> {
    await this.#until(() => this.#received.length >= expected.length || this.#ended, what)
    const got = this.#received.subarray(0, expected.length)
    if (!got.equals(expected)) {
      throw new Error(`${what}: expected ${expected.length} bytes, got ${got.length} that differ`)
    }
    this.#received = this.#received.subarray(expected.length)
  }

  /** Waits until the server has ended its side of the connection. */
  async ended(what: string): Promise<void> {
    await this.#until(() => this.#ended, what)
  }

  async #until(done: () => boolean, what: string): Promise<void> {
    const deadline = performance.now() + WAIT_MS
    while (!done()) {
      const left = deadline - performance.now()
      if (left <= 0) throw new Error(`timed out waiting for ${what}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.#wake = null
    }
  }
}

export function echoesOf(messages: readonly string[]): Buffer {
  return Buffer.from(messages.map((m) => `Echo: ${m}\n`).join(''))
}

/** Sends a few messages, checks the echoes, says `sair` and waits for the server to close. */
async function quitter(port: number): Promise<void> {
  const c = await SoakConnection.open(port)
  const messages = ['Olá, meu amigo Servidor', '', 'x'.repeat(200)]
  c.socket.write(messages.map((m) => `${m}\n`).join(''))
  await c.expect(echoesOf(messages), 'echoes before sair')
  c.socket.write('sair\n')
  await c.ended('the server to close after sair')
  c.socket.destroy()
}

/** Sends a message, reads its echo, then resets the connection (RST, no goodbye). */
async function resetter(port: number): Promise<void> {
  const c = await SoakConnection.open(port)
  c.socket.write('about to reset\n')
  await c.expect(echoesOf(['about to reset']), 'echo before the reset')
  c.socket.resetAndDestroy()
}

/** Sends messages, the last without LF, half-closes, and checks every echo before the close. */
async function halfCloser(port: number): Promise<void> {
  const c = await SoakConnection.open(port)
  c.socket.end('first\nlast without LF')
  await c.expect(echoesOf(['first', 'last without LF']), 'echoes after the half-close')
  await c.ended('the server to close after end of input')
  c.socket.destroy()
}

/** Pipelines ~1 MB of messages and reads the echoes slowly, a piece at a time, then leaves. */
async function slowReader(port: number): Promise<void> {
  const c = await SoakConnection.open(port)
  c.socket.pause()
  const messages = Array.from({ length: 1000 }, (_, i) => `${i} ${'s'.repeat(1000)}`)
  c.socket.write(messages.map((m) => `${m}\n`).join(''))
  const expected = echoesOf(messages)
  for (let taken = 0; taken < expected.length; taken += 64 * 1024) {
    c.socket.resume()
    await new Promise((resolve) => setTimeout(resolve, 20))
    c.socket.pause()
  }
  c.socket.resume()
  await c.expect(expected, 'every echo to a slow reader')
  c.socket.end('quit\n')
  await c.ended('the server to close after quit')
  c.socket.destroy()
}

export const CHURNERS = [quitter, resetter, halfCloser, slowReader] as const
