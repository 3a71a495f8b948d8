/**
 * One client's session, the code both servers run (DESIGN.md, "The one difference between the
 * two servers"): read messages, answer each in order, end on a quit word, on end of input (after
 * answering), on idle timeout, on an oversize message or on shutdown, and report how it went.
 *
 * It takes any Duplex, so unit tests run it over an in-memory pair (STYLE.md principle 8).
 * Backpressure: while the reply bytes owed to the client are over `maxBufferedReplyBytes` it
 * stops reading, and resumes once they are written out; a client that stays that way for
 * `drainTimeoutMs` is dropped. Every timer is unref'd and cleared when the session closes.
 */
import type { Duplex } from 'node:stream'
import { EchoError, isQuitWord, LineDecoder, ReplyBatch } from '@echolab/protocol'

export interface SessionOptions {
  maxMessageBytes: number
  /** 0 disables the idle timeout. */
  idleTimeoutMs: number
  maxBufferedReplyBytes: number
  /** Also how long a closing session waits for the client to take its last bytes. */
  drainTimeoutMs: number
  /** Aborting ends the session with `Error: server shutting down`. */
  signal?: AbortSignal | undefined
  /** Called with each message before it is answered (for logs and metrics; keep it cheap). */
  onMessage?: ((message: Buffer) => void) | undefined
  /**
   * Report as soon as the session has ended and its last bytes are written out, rather than when
   * the connection closes; the connection still closes on its own, when the client closes its
   * side or after `drainTimeoutMs`. The blocking server sets it: a client told goodbye that keeps
   * its side open (`nc` does) must not hold up the next one in line.
   */
  reportOnFinish?: boolean | undefined
}

export type EndReason =
  | 'quit' // the client sent a quit word
  | 'end-of-input' // the client closed its side (half-close); everything it sent was answered
  | 'idle-timeout'
  | 'message-too-long'
  | 'shutdown'
  | 'drain-timeout' // the client stopped reading its replies
  | 'peer-reset' // the connection was reset or closed under us
  | 'error'

export interface SessionReport {
  reason: EndReason
  /** Messages answered (quit words are not answered, so not counted). */
  messages: number
  bytesIn: number
  bytesOut: number
  durationMs: number
  /** The error behind 'peer-reset' or 'error', or the EchoError sent to the client. */
  error?: Error
}

/** Serves `stream` until the session ends; never rejects. */
export function serveSession(stream: Duplex, options: SessionOptions): Promise<SessionReport> {
  return new Promise((resolve) => {
    new Session(stream, options, resolve).start()
  })
}

class Session {
  readonly #stream: Duplex
  readonly #options: SessionOptions
  readonly #resolve: (report: SessionReport) => void
  readonly #decoder: LineDecoder
  readonly #replies = new ReplyBatch()
  readonly #startedAt = performance.now()
  #reason: EndReason | null = null
  #error: Error | undefined
  #quitSeen = false
  #messages = 0
  #bytesIn = 0
  #bytesOut = 0
  #idleTimer: NodeJS.Timeout | undefined
  #drainTimer: NodeJS.Timeout | undefined
  #waitingForDrain = false

  constructor(stream: Duplex, options: SessionOptions, resolve: (report: SessionReport) => void) {
    this.#stream = stream
    this.#options = options
    this.#resolve = resolve
    this.#decoder = new LineDecoder(options.maxMessageBytes)
  }

  start(): void {
    const stream = this.#stream
    // The 'error' listener goes on before any I/O: a reset is routine, never a crash.
    stream.on('error', this.#onError)
    stream.on('close', this.#onClose)
    stream.on('data', this.#onData)
    stream.on('end', this.#onEnd)
    const { signal } = this.#options
    this.#armIdleTimer()
    signal?.addEventListener('abort', this.#onShutdown, { once: true })
    if (signal?.aborted) this.#onShutdown()
    // A stream handed over paused (a client that waited its turn) starts flowing here.
    stream.resume()
    if (stream.destroyed) this.#onClose()
  }

  #onData = (chunk: Buffer): void => {
    if (this.#reason !== null) return // closing: input is read and dropped, never answered
    this.#bytesIn += chunk.length
    this.#idleTimer?.refresh()
    try {
      this.#decoder.write(chunk, this.#onMessage)
    } catch (error) {
      this.#endWith('message-too-long', error)
      return
    }
    this.#sendReplies()
    if (this.#quitSeen) this.#finish('quit')
    else if (this.#stream.writableLength > this.#options.maxBufferedReplyBytes)
      this.#pauseForDrain()
  }

  #onMessage = (message: Buffer): boolean => {
    if (isQuitWord(message)) {
      this.#quitSeen = true
      return false
    }
    this.#messages++
    this.#options.onMessage?.(message)
    this.#replies.add(message)
    return true
  }

  #onEnd = (): void => {
    if (this.#reason !== null) return
    try {
      const last = this.#decoder.end()
      if (last !== null) this.#onMessage(last)
    } catch (error) {
      this.#endWith('message-too-long', error)
      return
    }
    this.#sendReplies()
    this.#finish(this.#quitSeen ? 'quit' : 'end-of-input')
  }

  #pauseForDrain(): void {
    this.#waitingForDrain = true
    this.#stream.pause()
    clearTimeout(this.#idleTimer)
    this.#drainTimer = setTimeout(this.#onDrainTimeout, this.#options.drainTimeoutMs).unref()
  }

  // Not the 'drain' event: it comes only after a write() that returned false, and the bound may
  // be below the stream's high-water mark. The callback of the write that took the owed bytes
  // over the bound (see #write) comes once it, and so everything before it, is written out.
  #onWritten = (error?: Error | null): void => {
    if (error || !this.#waitingForDrain || this.#reason !== null) return
    if (this.#stream.writableLength > 0) return
    this.#waitingForDrain = false
    clearTimeout(this.#drainTimer)
    // A new timer: refresh() does not revive one that was cleared while paused.
    this.#armIdleTimer()
    this.#stream.resume()
  }

  #armIdleTimer(): void {
    const { idleTimeoutMs } = this.#options
    if (idleTimeoutMs > 0) this.#idleTimer = setTimeout(this.#onIdle, idleTimeoutMs).unref()
  }

  #onIdle = (): void => {
    this.#endWith('idle-timeout', EchoError.idleTimeout(this.#options.idleTimeoutMs))
  }

  #onShutdown = (): void => {
    this.#endWith('shutdown', EchoError.shuttingDown())
  }

  #onDrainTimeout = (): void => {
    this.#reason ??= 'drain-timeout'
    this.#stream.destroy()
  }

  #onError = (error: Error): void => {
    if (this.#reason === null) {
      this.#reason = isPeerReset(error) ? 'peer-reset' : 'error'
      this.#error = error
    }
    this.#stream.destroy()
  }

  #onClose = (): void => {
    if (this.#reason === null) this.#reason = 'peer-reset'
    this.#clearTimers()
    this.#options.signal?.removeEventListener('abort', this.#onShutdown)
    this.#report()
  }

  /** Resolves the report; only the first call counts. */
  #report = (): void => {
    const report: SessionReport = {
      reason: this.#reason ?? 'peer-reset',
      messages: this.#messages,
      bytesIn: this.#bytesIn,
      bytesOut: this.#bytesOut,
      durationMs: performance.now() - this.#startedAt,
    }
    if (this.#error !== undefined) report.error = this.#error
    this.#resolve(report)
  }

  /** Ends the session with an `Error:` line after the replies already owed. */
  #endWith(reason: EndReason, error: unknown): void {
    if (this.#reason !== null) return
    if (!(error instanceof EchoError)) throw error
    this.#sendReplies()
    this.#write(error.wireLine)
    this.#error = error
    this.#finish(reason)
  }

  /**
   * Stops answering, flushes, half-closes and gives the client `drainTimeoutMs` to take the rest.
   * Input is still read (and dropped) so the kernel never answers the client with a reset that
   * could destroy replies it has not read yet.
   */
  #finish(reason: EndReason): void {
    if (this.#reason !== null) return
    this.#reason = reason
    this.#clearTimers()
    this.#stream.end()
    if (this.#options.reportOnFinish) this.#stream.once('finish', this.#report)
    this.#drainTimer = setTimeout(
      () => this.#stream.destroy(),
      this.#options.drainTimeoutMs,
    ).unref()
    this.#stream.resume()
  }

  #sendReplies(): void {
    if (!this.#replies.isEmpty) this.#write(this.#replies.take())
  }

  #write(bytes: Buffer): void {
    const stream = this.#stream
    if (stream.writableEnded || stream.destroyed) return
    this.#bytesOut += bytes.length
    // Only a write that may leave more than the bound owed gets a callback: Node's Writable
    // queues a tick for each write with a callback, and skips that for writes without one.
    if (stream.writableLength + bytes.length > this.#options.maxBufferedReplyBytes) {
      stream.write(bytes, this.#onWritten)
    } else {
      stream.write(bytes)
    }
  }

  #clearTimers(): void {
    clearTimeout(this.#idleTimer)
    clearTimeout(this.#drainTimer)
  }
}

const PEER_RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT'])

/** Resets and broken pipes are routine at the edge of a network service: not worth an error log. */
export function isPeerReset(error: Error): boolean {
  return PEER_RESET_CODES.has((error as NodeJS.ErrnoException).code ?? '')
}
