/**
 * A lab client's connection: bytes out, the server's lines in, one at a time, each stamped with
 * when it arrived (not when it was read), each wait bounded by the experiment's abort signal.
 * `null` from `nextLine()` means the server closed.
 */
import { connect, type Socket } from 'node:net'
import { LineDecoder } from '@echolab/protocol'
import { now } from '../clock.ts'

interface ArrivedLine {
  text: string
  atMs: number
}

/** Longest line a lab client accepts: far past anything the experiments send. */
const MAX_LINE_BYTES = 1024 * 1024

export class LineSocket {
  readonly socket: Socket
  readonly #lines: ArrivedLine[] = []
  readonly #decoder = new LineDecoder(MAX_LINE_BYTES)
  #closed = false
  #wake: (() => void) | undefined

  private constructor(socket: Socket) {
    this.socket = socket
    socket.on('error', () => {}) // a reset ends the connection like a close: 'close' follows
    socket.on('data', (chunk: Buffer) => {
      const atMs = now()
      this.#decoder.write(chunk, (line) => {
        this.#lines.push({ text: line.toString(), atMs })
        return true
      })
      this.#wake?.()
    })
    socket.once('close', () => {
      const last = this.#decoder.end()
      if (last !== null) this.#lines.push({ text: last.toString(), atMs: now() })
      this.#closed = true
      this.#wake?.()
    })
  }

  static open(port: number, signal: AbortSignal): Promise<LineSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true })
      const onAbort = (): void => {
        socket.destroy()
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      socket.once('error', (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      })
      socket.once('connect', () => {
        signal.removeEventListener('abort', onAbort)
        socket.removeAllListeners('error')
        resolve(new LineSocket(socket))
      })
    })
  }

  /** The server has closed the connection (lines may still be left to read). */
  get isClosed(): boolean {
    return this.#closed
  }

  get localPort(): number {
    return this.socket.localPort ?? 0
  }

  write(bytes: string | Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes)
  }

  /** The next line from the server, or null once it has closed and every line was read. */
  async nextLine(signal: AbortSignal): Promise<ArrivedLine | null> {
    for (;;) {
      const line = this.#lines.shift()
      if (line !== undefined) return line
      if (this.#closed) return null
      signal.throwIfAborted()
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.#wake = undefined
          signal.removeEventListener('abort', done)
          resolve()
        }
        this.#wake = done
        signal.addEventListener('abort', done, { once: true })
      })
    }
  }

  destroy(): void {
    this.socket.destroy()
  }
}
