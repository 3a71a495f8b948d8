/**
 * The bench's load generator for one thread: opens its share of the connections, keeps
 * `pipeline` messages in flight on each until the deadline, checks every reply byte for byte
 * and records each round trip in an HDR histogram (microseconds). Runs the same in the main
 * thread or a worker; the caller only reads `counts` and the histogram.
 */

import type { Socket } from 'node:net'
import { EchoError, isErrorLine, LineDecoder } from '@echolab/protocol'
import { build, type Histogram } from 'hdr-histogram-js'
import { connectWithRetry } from '../connect.ts'
import { showBytes } from '../display.ts'
import { Payloads } from './payload.ts'

/** After the deadline, how long replies still in flight may take before we stop waiting. */
const DRAIN_TIMEOUT_MS = 5_000

export interface LoadPlan {
  host: string
  port: number
  connections: number
  payloadBytes: number
  pipeline: number
  durationMs: number
  connectTimeoutMs: number
}

export interface LoadCounts {
  /** Messages whose reply was exactly right. */
  messages: number
  sentBytes: number
  receivedBytes: number
  /** Replies that were not exactly `Echo: ` + the message, in order. */
  mismatches: number
  errorLines: number
  /** Connections the server closed while replies were owed, without an `Error:` line. */
  droppedConnections: number
  /** Messages sent that never got any reply. */
  unanswered: number
  /** The first problem seen, for a person to start from. */
  firstProblem: string | null
  elapsedMs: number
}

export function emptyCounts(): LoadCounts {
  return {
    messages: 0,
    sentBytes: 0,
    receivedBytes: 0,
    mismatches: 0,
    errorLines: 0,
    droppedConnections: 0,
    unanswered: 0,
    firstProblem: null,
    elapsedMs: 0,
  }
}

/** Round trips in microseconds, 3 significant digits: 1 µs to hours without losing the tail. */
export function latencyHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  })
}

export class LoadGenerator {
  readonly counts = emptyCounts()
  readonly histogram = latencyHistogram()
  readonly #plan: LoadPlan
  readonly #payloads: Payloads

  constructor(plan: LoadPlan) {
    this.#plan = plan
    this.#payloads = new Payloads(plan.payloadBytes)
  }

  /** Connects everything, runs until the deadline and the drain, resolves with the counts. */
  async run(): Promise<LoadCounts> {
    const { host, port, connectTimeoutMs, connections } = this.#plan
    const attempts = Array.from({ length: connections }, () =>
      connectWithRetry(host, port, connectTimeoutMs),
    )
    const settled = await Promise.allSettled(attempts)
    const failure = settled.find((s) => s.status === 'rejected')
    if (failure) {
      for (const s of settled) if (s.status === 'fulfilled') s.value.socket.destroy()
      throw failure.reason
    }
    const started = performance.now()
    const deadline = started + this.#plan.durationMs
    await Promise.all(
      settled.map((s) =>
        this.#drive((s as PromiseFulfilledResult<{ socket: Socket }>).value.socket, deadline),
      ),
    )
    this.counts.elapsedMs = performance.now() - started
    return this.counts
  }

  #problem(text: string): void {
    this.counts.firstProblem ??= text
  }

  /** One connection: `pipeline` messages in flight, a new one for each reply, until `deadline`. */
  #drive(socket: Socket, deadline: number): Promise<void> {
    const { pipeline } = this.#plan
    const payloads = this.#payloads
    const counts = this.counts
    const histogram = this.histogram
    // Send times by sequence number modulo the pipeline depth: replies come back in order.
    const sentAt = new Float64Array(pipeline)
    const lines = new LineDecoder(payloads.replyWireBytes, { keepCR: true })
    let sent = 0
    let answered = 0
    let sending = true
    let endedByUs = false
    let serverSaidError = false
    let gaveUp = false

    const send = (count: number): void => {
      const now = performance.now()
      for (let i = 0; i < count; i++) sentAt[(sent + i) % pipeline] = now
      const bytes = payloads.messages(sent, count)
      sent += count
      counts.sentBytes += bytes.length
      socket.write(bytes)
    }
    const finishIfDone = (): void => {
      if (!sending && answered >= sent && !endedByUs) {
        endedByUs = true
        socket.end() // half-close: the server answers what it owes and closes (DESIGN.md)
      }
    }
    const onLine = (line: Buffer, now: number): void => {
      const sequence = answered++
      if (isErrorLine(line)) {
        counts.errorLines++
        serverSaidError = true
        this.#problem(`the server said: ${showBytes(line)}`)
      } else if (sequence >= sent || !payloads.isReplyTo(line, sequence)) {
        counts.mismatches++
        this.#problem(`wrong reply to message ${sequence}: "${showBytes(line)}"`)
      } else {
        counts.messages++
        histogram.recordValue(Math.max(1, Math.round((now - sentAt[sequence % pipeline]!) * 1000)))
      }
    }

    return new Promise((resolve) => {
      const stopSending = setTimeout(() => {
        sending = false
        finishIfDone()
      }, deadline - performance.now())
      const giveUp = setTimeout(
        () => {
          gaveUp = true
          this.#problem(`no reply within ${DRAIN_TIMEOUT_MS} ms of the end`)
          socket.destroy()
        },
        deadline - performance.now() + DRAIN_TIMEOUT_MS,
      )

      socket.on('error', (error) => {
        this.#problem(`connection error: ${error.message}`)
      })
      socket.on('data', (chunk: Buffer) => {
        counts.receivedBytes += chunk.length
        const now = performance.now()
        const before = answered
        try {
          lines.write(chunk, (line) => {
            onLine(line, now)
          })
        } catch (error) {
          if (!(error instanceof EchoError)) throw error
          counts.mismatches++
          this.#problem(`the server sent a line longer than ${payloads.replyWireBytes} bytes`)
          socket.destroy()
          return
        }
        if (sending && now >= deadline) sending = false
        if (sending && answered > before) send(answered - before)
        finishIfDone()
      })
      socket.once('close', () => {
        clearTimeout(stopSending)
        clearTimeout(giveUp)
        const owed = Math.max(sent - answered, 0)
        counts.unanswered += owed
        if (!serverSaidError && !gaveUp && (owed > 0 || !endedByUs)) {
          counts.droppedConnections++
          this.#problem(`connection closed with ${owed} replies owed`)
        }
        resolve()
      })
      send(pipeline)
    })
  }
}
