/**
 * A connection to an echo server as the client sees it: messages go out as lines, the server's
 * lines come back one at a time, and the end of the connection is one reason a person can read
 * (the server closed it, or it broke). Leaving is `quit()`: send `sair`, let the server flush
 * what it owes and close, and close ourselves if it does not within a bound.
 */
import type { Socket } from 'node:net'
import { EchoError, LineDecoder } from '@echolab/protocol'
import { describeSocketError } from './connect.ts'
import { MAX_MESSAGE_BYTES } from './messages.ts'

const LF = Buffer.from('\n')
// The server drops one CR before the LF, so a message that ends in CR goes out with one more.
const CR_LF = Buffer.from('\r\n')
const CR = 0x0d
const QUIT_LINE = Buffer.from('sair\n')
/** The longest line a server may send: the reply to the largest message it can take. */
const MAX_REPLY_BYTES = 'Echo: '.length + MAX_MESSAGE_BYTES

export type CloseReason =
  /** The server closed the connection (after `sair`, or on its own). */
  | { kind: 'closed' }
  /** Reset, or some other socket error. */
  | { kind: 'lost'; detail: string }
  /** The server broke the protocol (a line longer than any reply): another try would not help. */
  | { kind: 'broken'; detail: string }

interface LineHandlers {
  /** A line from the server, without its LF; copy it to keep it past the call. */
  onLine: (line: Buffer) => void
  onClose: (reason: CloseReason) => void
}

export class LineConnection {
  readonly socket: Socket
  /** Resolves once, when the connection is fully closed. */
  readonly closed: Promise<CloseReason>
  // Replies are checked byte for byte, so a CR before the LF stays part of the line.
  #lines = new LineDecoder(MAX_REPLY_BYTES, { keepCR: true })
  #failure: Exclude<CloseReason, { kind: 'closed' }> | undefined

  constructor(socket: Socket, handlers: LineHandlers) {
    this.socket = socket
    socket.on('error', (error) => {
      this.#failure ??= { kind: 'lost', detail: describeSocketError(error) }
    })
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#lines.write(chunk, (line) => {
          handlers.onLine(line)
        })
      } catch (error) {
        if (!(error instanceof EchoError)) throw error
        this.#failure = {
          kind: 'broken',
          detail: `the server sent a line longer than ${MAX_REPLY_BYTES} bytes`,
        }
        socket.destroy()
      }
    })
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        // A last line without LF is still something the server said.
        const last = this.#lines.end()
        if (last) handlers.onLine(last)
        const reason: CloseReason = this.#failure ?? { kind: 'closed' }
        handlers.onClose(reason)
        resolve(reason)
      })
    })
  }

  get isOpen(): boolean {
    return !this.socket.destroyed && this.socket.writable
  }

  /** Sends one message and its line end; resolves when the socket can take more (backpressure). */
  async send(message: Buffer): Promise<void> {
    if (!this.isOpen) return
    const end = message.at(-1) === CR ? CR_LF : LF
    if (this.socket.write(Buffer.concat([message, end]))) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done)
        this.socket.off('close', done)
        resolve()
      }
      this.socket.on('drain', done)
      this.socket.on('close', done)
    })
  }

  /**
   * Sends `sair` and half-closes; waits up to `waitMs` for the server to flush what it owes and
   * close. Returns false if we had to close it ourselves.
   */
  async quit(waitMs: number): Promise<boolean> {
    if (this.isOpen) this.socket.end(QUIT_LINE)
    let timer: NodeJS.Timeout | undefined
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs)
    })
    const closedByServer = await Promise.race([this.closed.then(() => true), gaveUp])
    clearTimeout(timer)
    this.socket.destroy()
    return closedByServer
  }

  /** Closes at once, owed replies or not. */
  destroy(): void {
    this.socket.destroy()
  }
}
