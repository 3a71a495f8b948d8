/**
 * One client's session, the code both servers run (DESIGN.md, "The one difference between the
 * two servers"): read messages, answer each in order, end on a quit word, on end of input (after
 * answering), on idle timeout, on an oversize message or on shutdown, and report how it went.
 *
 * It takes any Duplex, so unit tests run it over an in-memory pair (STYLE.md principle 8).
 * Backpressure: once the reply bytes owed to the client pass `maxBufferedReplyBytes` it stops,
 * even in the middle of a read, and goes on once they are written out; a client that stays that
 * way for `drainTimeoutMs` is dropped. It also answers at most SESSION_BOUNDS.messagesPerTurn
 * messages per turn of the event loop, so clients that flood LFs cannot hold up the others on
 * their thread. The idle timeout counts time without a complete message, so a message that
 * trickles in a byte at a time is cut like silence; the sessions of a thread share one timer for
 * it (IdleList). After the session ends, what the client still sends is read and dropped only
 * within SESSION_BOUNDS. Every timer is unref'd and cleared when the session closes.
 */
import type { Duplex } from 'node:stream'
import { EchoError, isQuitWord, LineDecoder, ReplyBatch } from '@echolab/protocol'
import type { EndReason } from './end-reasons.ts'
import { type IdleEntry, IdleList } from './idle-list.ts'
import { LINGERS } from './lingers.ts'

/**
 * What one session may cost the thread it runs on, whatever the client does. Not settings: they
 * bound the work and the waste a client can cause, not what a client is allowed.
 */
export const SESSION_BOUNDS = Object.freeze({
  /**
   * Messages answered per turn of the event loop; the rest of the read waits for the next turn.
   * A 64 KiB read of LFs is 65,536 messages (about 60 ms of work here): without the bound, a few
   * such clients hold the thread for seconds while every other client on it waits.
   */
  messagesPerTurn: 1024,
  /**
   * After goodbye, what the client still sends is read and dropped, for up to
   * `LINGERS.toldClientMs` after its last reply is written out, so that a client still writing
   * gets its last replies rather than a reset; past this many bytes the connection is destroyed:
   * reading garbage must not be a cheap way to burn a core.
   */
  droppedBytesAfterGoodbye: 256 * 1024,
})

export interface SessionOptions {
  maxMessageBytes: number
  /** 0 disables the idle timeout. */
  idleTimeoutMs: number
  maxBufferedReplyBytes: number
  /** Also how long a closing session waits for the client to take its last bytes. */
  drainTimeoutMs: number
  /** Aborting ends the session with `Error: server shutting down`. */
  signal?: AbortSignal | undefined
  /**
   * Report as soon as the session has ended and its last bytes are written out, rather than when
   * the connection closes; the connection still closes on its own, when the client closes its
   * side or after `drainTimeoutMs`. The blocking server sets it: a client told goodbye that keeps
   * its side open (`nc` does) must not hold up the next one in line.
   */
  reportOnFinish?: boolean | undefined
}

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

/**
 * What a session tells the code serving it. One object can hear every session of a thread: each
 * session passes back the id it was given, so nothing is made per connection to listen to it (a
 * promise per session, and the reactions chained to it, cost a held connection about 1 KiB:
 * apps/server-threaded README, "Memory").
 */
export interface SessionEvents<S extends Duplex = Duplex> {
  /** Each message, before it is answered (for logs and metrics; keep it cheap). */
  message?(id: number, message: Buffer): void
  /** Once per session, when it has ended (see `reportOnFinish`): how it went. */
  ended(id: number, stream: S, report: SessionReport): void
}

/**
 * Serves `stream` until the session ends, then tells `events.ended`; `id` is only passed back.
 * A stream already destroyed ends it before this returns.
 */
export function serveSession<S extends Duplex>(
  stream: S,
  id: number,
  options: SessionOptions,
  events: SessionEvents<S>,
): void {
  new Session(stream, id, options, events as SessionEvents).start()
}

// The session serving a stream, for the listeners every session shares (Session.#on).
const SESSION = Symbol('echolab session')
type ServedStream = Duplex & { [SESSION]: Session }

class Session implements IdleEntry {
  /**
   * The stream's and the timers' listeners: one function each per thread, shared by every session
   * (a listener finds its session on the stream, a timer gets it as its argument), not a closure
   * each per session: those were a fifth of what a held connection cost (apps/server-threaded
   * README, "Memory"). The decoder's message handler finds its session in `#decoding`; the
   * shutdown signal's listener finds its sessions in `#toldBy`.
   */
  static readonly #on = {
    message(message: Buffer): boolean {
      // Only a decoder calls it, within #decode, which sets #decoding.
      return Session.#decoding!.#onMessage(message)
    },
    abort(this: AbortSignal): void {
      for (const session of Session.#toldBy.get(this) ?? []) session.#onShutdown()
    },
    data(this: ServedStream, chunk: Buffer): void {
      this[SESSION].#onData(chunk)
    },
    end(this: ServedStream): void {
      this[SESSION].#onEnd()
    },
    error(this: ServedStream, error: Error): void {
      this[SESSION].#onError(error)
    },
    close(this: ServedStream): void {
      this[SESSION].#onClose()
    },
    idle(session: Session): void {
      session.#onIdle()
    },
    drainTimeout(session: Session): void {
      session.#onDrainTimeout()
    },
    goOn(session: Session): void {
      session.#goOn()
    },
  }

  /** The session whose read is being decoded (decoding is synchronous). */
  static #decoding: Session | null = null
  /**
   * What the step under way has seen: whether a message completed (it restarts the idle
   * countdown) and how many were answered (SESSION_BOUNDS.messagesPerTurn). Set at the start of
   * each step and read right after it, before anything is written (a write is where another
   * session's step can run), so one of each per thread serves every session.
   */
  static #stepSawMessage = false
  static #stepMessages = 0
  /**
   * The sessions each shutdown signal ends. One listener per signal, not one per session: EventTarget
   * keeps a record of about 160 bytes for each listener, an entry here costs a tenth of that.
   */
  static readonly #toldBy = new WeakMap<AbortSignal, Set<Session>>()
  /**
   * The replies of one read, for whichever session is answering: they are collected and taken
   * within one synchronous step (#decode, #endOfInput, #endWith), so the batch is empty between
   * steps and one per thread serves every session. Per session it was an object and an array
   * whose backing store kept its room after the first read, about 0.2 KiB a held connection.
   */
  static readonly #replies = new ReplyBatch()
  /**
   * A decoder with nothing held, lent to a session for one decoding step. A session keeps one of
   * its own only while it holds something for later (a partial message, the rest of a stopped
   * read); one whose reads end on an LF, as most do, has none between reads.
   */
  static #spareDecoder: LineDecoder | null = null
  /** The thread's sessions by idle timeout (one in practice: the settings'), one timer each. */
  static readonly #idleLists = new Map<number, IdleList<Session>>()

  static #idleListFor(timeoutMs: number): IdleList<Session> | null {
    if (timeoutMs <= 0) return null
    let list = Session.#idleLists.get(timeoutMs)
    if (list === undefined) {
      list = new IdleList(timeoutMs, Session.#on.idle)
      Session.#idleLists.set(timeoutMs, list)
    }
    return list
  }

  readonly #stream: Duplex
  readonly #id: number
  readonly #options: SessionOptions
  // Null once the session has reported: only the first report counts.
  #events: SessionEvents | null
  // Only while it holds a partial message or the rest of a stopped read (see #spareDecoder).
  #decoder: LineDecoder | null = null
  // Whole milliseconds, a small integer that V8 keeps in the object: a fraction would cost a
  // separate 16-byte number per session. The reported duration is at most 1 ms too long.
  readonly #startedAt = Math.floor(performance.now())
  #reason: EndReason | null = null
  #error: Error | undefined
  #quitSeen = false
  #messages = 0
  #bytesIn = 0
  #bytesOut = 0
  // Null when the idle timeout is off; the three fields after it are the list's (IdleEntry).
  readonly #idle: IdleList<Session> | null
  idlePrev: IdleEntry | null = null
  idleNext: IdleEntry | null = null
  idleDeadline = -1
  #drainTimer: NodeJS.Timeout | undefined
  #waitingForDrain = false
  #inputEnded = false
  #droppedBytes = 0
  // Made the first time a write may take the owed bytes over the bound (see #write).
  #writtenCallback: ((error?: Error | null) => void) | undefined

  constructor(stream: Duplex, id: number, options: SessionOptions, events: SessionEvents) {
    this.#stream = stream
    this.#id = id
    this.#options = options
    this.#events = events
    this.#idle = Session.#idleListFor(options.idleTimeoutMs)
  }

  start(): void {
    const stream = this.#stream
    ;(stream as ServedStream)[SESSION] = this
    // The 'error' listener goes on before any I/O: a reset is routine, never a crash.
    stream.on('error', Session.#on.error)
    stream.on('close', Session.#on.close)
    stream.on('data', Session.#on.data)
    stream.on('end', Session.#on.end)
    this.#idle?.touch(this)
    const { signal } = this.#options
    if (signal?.aborted) this.#onShutdown()
    else if (signal !== undefined) this.#listenTo(signal)
    // A stream handed over paused (a client that waited its turn) starts flowing here.
    stream.resume()
    if (stream.destroyed) this.#onClose()
  }

  #onData(chunk: Buffer): void {
    if (this.#reason !== null) {
      this.#dropAfterGoodbye(chunk)
      return
    }
    this.#bytesIn += chunk.length
    this.#decode((decoder) => decoder.write(chunk, Session.#on.message))
  }

  /** Runs one decoding step, answers what it decoded, and ends or pauses the session as it asks. */
  #decode(step: (decoder: LineDecoder) => boolean): void {
    Session.#stepSawMessage = false
    Session.#stepMessages = 0
    let finished: boolean
    const outer = Session.#decoding
    Session.#decoding = this
    const decoder = this.#decoder ?? this.#borrowDecoder()
    try {
      finished = step(decoder)
    } catch (error) {
      this.#endWith('message-too-long', error)
      return
    } finally {
      Session.#decoding = outer
      this.#keepOrLend(decoder)
    }
    // The idle countdown measures time without a complete message.
    if (Session.#stepSawMessage) this.#idle?.touch(this)
    this.#sendReplies()
    if (this.#quitSeen) this.#finish('quit')
    else if (this.#stream.writableLength > this.#options.maxBufferedReplyBytes)
      this.#pauseForDrain()
    else if (!finished) {
      // Stopped at a bound, and the replies are out already: go on in the next turn.
      this.#stream.pause()
      setImmediate(Session.#on.goOn, this)
    }
  }

  /**
   * Takes one message; false (stop decoding) on a quit word, once the replies owed pass the bound
   * or once this turn has had its share of messages.
   */
  #onMessage(message: Buffer): boolean {
    Session.#stepSawMessage = true
    if (isQuitWord(message)) {
      this.#quitSeen = true
      return false
    }
    this.#messages++
    this.#events?.message?.(this.#id, message)
    Session.#replies.add(message)
    const owed = Session.#replies.byteLength + this.#stream.writableLength
    return (
      owed <= this.#options.maxBufferedReplyBytes &&
      ++Session.#stepMessages < SESSION_BOUNDS.messagesPerTurn
    )
  }

  // A paused socket still reports the end of input once it has nothing buffered, and the rest of
  // a read stopped at the bound is not in the socket's buffer: the end waits for it.
  #onEnd(): void {
    if (this.#reason !== null) return
    this.#inputEnded = true
    if (!this.#waitingForDrain && !this.#decoderStopped()) this.#endOfInput()
  }

  #endOfInput(): void {
    try {
      const last = this.#decoder?.end() ?? null
      if (last !== null) this.#onMessage(last)
    } catch (error) {
      this.#endWith('message-too-long', error)
      return
    }
    this.#sendReplies()
    this.#finish(this.#quitSeen ? 'quit' : 'end-of-input')
  }

  #pauseForDrain(): void {
    if (this.#waitingForDrain) return
    this.#waitingForDrain = true
    this.#stream.pause()
    this.#idle?.remove(this)
    const { drainTimeoutMs } = this.#options
    this.#drainTimer = setTimeout(Session.#on.drainTimeout, drainTimeoutMs, this).unref()
  }

  // Not the 'drain' event: it comes only after a write() that returned false, and the bound may
  // be below the stream's high-water mark. The callback of the write that took the owed bytes
  // over the bound (see #write) comes once it, and so everything before it, is written out.
  #onWritten(error?: Error | null): void {
    if (error || !this.#waitingForDrain || this.#reason !== null) return
    if (this.#stream.writableLength > 0) return
    this.#waitingForDrain = false
    clearTimeout(this.#drainTimer)
    this.#idle?.touch(this)
    // Not now but in the next turn of the event loop: a write the kernel takes at once calls
    // back within this turn, and going on here would let one client that sends LFs and a
    // roomy socket buffer hold the thread, every other client of it waiting.
    setImmediate(Session.#on.goOn, this)
  }

  #goOn(): void {
    if (this.#reason !== null || this.#waitingForDrain) return
    // The rest of a read that stopped at the bound comes first; it may stop at the bound again.
    if (this.#decoderStopped()) this.#decode((decoder) => decoder.resume(Session.#on.message))
    // Stopped again (a later turn goes on), paused for drain, or ended: not now.
    if (this.#decoderStopped() || this.#waitingForDrain || this.#reason !== null) return
    if (this.#inputEnded) this.#endOfInput()
    else this.#stream.resume()
  }

  #decoderStopped(): boolean {
    return this.#decoder?.stopped === true
  }

  // Taken out of the spare slot while in use: a step nested in another (a reply written to an
  // in-memory pair can decode on the other side at once) gets a decoder of its own.
  #borrowDecoder(): LineDecoder {
    const spare = Session.#spareDecoder
    const { maxMessageBytes } = this.#options
    if (spare === null || spare.maxMessageBytes !== maxMessageBytes)
      return new LineDecoder(maxMessageBytes)
    Session.#spareDecoder = null
    return spare
  }

  /** After a step: the session keeps the decoder if it holds something, else it is the spare. */
  #keepOrLend(decoder: LineDecoder): void {
    if (decoder.bufferedBytes > 0 || decoder.stopped) {
      this.#decoder = decoder
    } else {
      this.#decoder = null
      Session.#spareDecoder = decoder
    }
  }

  #onIdle(): void {
    this.#endWith('idle-timeout', EchoError.idleTimeout(this.#options.idleTimeoutMs))
  }

  #onShutdown(): void {
    this.#endWith('shutdown', EchoError.shuttingDown())
  }

  #listenTo(signal: AbortSignal): void {
    let told = Session.#toldBy.get(signal)
    if (told === undefined) {
      told = new Set()
      Session.#toldBy.set(signal, told)
      // Not `once`: that wraps the listener in a closure, and abort fires once anyway.
      signal.addEventListener('abort', Session.#on.abort)
    }
    told.add(this)
  }

  #stopListening(signal: AbortSignal): void {
    const told = Session.#toldBy.get(signal)
    if (told === undefined || !told.delete(this) || told.size > 0) return
    Session.#toldBy.delete(signal)
    signal.removeEventListener('abort', Session.#on.abort)
  }

  #onDrainTimeout(): void {
    this.#reason ??= 'drain-timeout'
    this.#stream.destroy()
  }

  #onError(error: Error): void {
    if (this.#reason === null) {
      this.#reason = isPeerReset(error) ? 'peer-reset' : 'error'
      this.#error = error
    }
    this.#stream.destroy()
  }

  #onClose(): void {
    this.#reason ??= 'peer-reset'
    this.#clearTimers()
    const { signal } = this.#options
    if (signal !== undefined) this.#stopListening(signal)
    this.#report(this.#reason)
  }

  /** Tells the events how the session went; only the first call counts. */
  #report(reason: EndReason): void {
    const events = this.#events
    if (events === null) return
    this.#events = null
    const report: SessionReport = {
      reason,
      messages: this.#messages,
      bytesIn: this.#bytesIn,
      bytesOut: this.#bytesOut,
      durationMs: performance.now() - this.#startedAt,
    }
    if (this.#error !== undefined) report.error = this.#error
    events.ended(this.#id, this.#stream, report)
  }

  /** Ends the session with an `Error:` line after the replies already owed. */
  #endWith(reason: EndReason, error: unknown): void {
    if (this.#reason !== null) return
    if (!(error instanceof EchoError)) {
      // A bug, not the client: whatever this step collected must not go to the next session.
      Session.#replies.clear()
      throw error
    }
    this.#sendReplies()
    this.#write(error.wireLine)
    this.#error = error
    this.#finish(reason)
  }

  /**
   * Stops answering, flushes, half-closes and gives the client `drainTimeoutMs` to take the rest.
   * Input is still read (and dropped, within SESSION_BOUNDS) so the kernel does not
   * answer a client that is still writing with a reset that could destroy replies it has not
   * read yet.
   */
  #finish(reason: EndReason): void {
    if (this.#reason !== null) return
    this.#reason = reason
    this.#clearTimers()
    const stream = this.#stream
    stream.end()
    if (this.#options.reportOnFinish) stream.once('finish', () => this.#report(reason))
    const destroy = (): void => {
      stream.destroy()
    }
    this.#drainTimer = setTimeout(destroy, this.#options.drainTimeoutMs).unref()
    const lingerMs = Math.min(LINGERS.toldClientMs, this.#options.drainTimeoutMs)
    stream.once('finish', () => {
      clearTimeout(this.#drainTimer)
      this.#drainTimer = setTimeout(destroy, lingerMs).unref()
    })
    stream.resume()
  }

  #dropAfterGoodbye(chunk: Buffer): void {
    this.#droppedBytes += chunk.length
    if (this.#droppedBytes > SESSION_BOUNDS.droppedBytesAfterGoodbye) this.#stream.destroy()
  }

  #sendReplies(): void {
    const replies = Session.#replies
    if (!replies.isEmpty) this.#write(replies.take())
  }

  #write(bytes: Buffer): void {
    const stream = this.#stream
    if (stream.writableEnded || stream.destroyed) return
    this.#bytesOut += bytes.length
    // Only a write that may leave more than the bound owed gets a callback: Node's Writable
    // queues a tick for each write with a callback, and skips that for writes without one.
    if (stream.writableLength + bytes.length > this.#options.maxBufferedReplyBytes) {
      this.#writtenCallback ??= (error) => this.#onWritten(error)
      stream.write(bytes, this.#writtenCallback)
    } else {
      stream.write(bytes)
    }
  }

  #clearTimers(): void {
    this.#idle?.remove(this)
    clearTimeout(this.#drainTimer)
  }
}

const PEER_RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT'])

/** Resets and broken pipes are routine at the edge of a network service: not worth an error log. */
export function isPeerReset(error: Error): boolean {
  return PEER_RESET_CODES.has((error as NodeJS.ErrnoException).code ?? '')
}
