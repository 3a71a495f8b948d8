/**
 * Matches the server's lines to the messages sent, in order (DESIGN.md: one reply per message,
 * in order). The right reply is `Echo: ` + the message bytes, exactly; an `Error: ` line is the
 * server ending the session, never an echo.
 */
import { ECHO_PREFIX, isErrorLine } from '@echolab/protocol'

export interface SentMessage {
  /** 1 for the first message; a message sent again keeps its number. */
  n: number
  message: Buffer
  sentAt: number
}

export type ReplyOutcome =
  | { kind: 'echo'; sent: SentMessage; reply: Buffer; roundTripMs: number }
  | { kind: 'wrong'; sent: SentMessage; reply: Buffer; roundTripMs: number }
  | { kind: 'server-error'; reply: Buffer }
  /** A line when no reply was owed. */
  | { kind: 'unexpected'; reply: Buffer }

export class ReplyTracker {
  #pending: SentMessage[] = []
  #sent = 0
  #idleWaiters: (() => void)[] = []

  /** Records a message as sent now. */
  sent(message: Buffer): SentMessage {
    const sent = { n: ++this.#sent, message, sentAt: performance.now() }
    this.#pending.push(sent)
    return sent
  }

  /**
   * The messages still owed a reply, stamped as sent now: on a new connection they go out once
   * more, oldest first, and their replies are expected in that order (DESIGN.md, "Replicas").
   */
  resendAll(): readonly SentMessage[] {
    const now = performance.now()
    for (const sent of this.#pending) sent.sentAt = now
    return this.#pending
  }

  /** What a line from the server is: the right reply to the oldest message, or not. */
  receive(line: Buffer): ReplyOutcome {
    const reply = Buffer.from(line)
    if (isErrorLine(reply)) return { kind: 'server-error', reply }
    const sent = this.#pending.shift()
    if (!sent) return { kind: 'unexpected', reply }
    if (this.#pending.length === 0) this.#wakeIdleWaiters()
    const roundTripMs = performance.now() - sent.sentAt
    return isEchoOf(sent.message, reply)
      ? { kind: 'echo', sent, reply, roundTripMs }
      : { kind: 'wrong', sent, reply, roundTripMs }
  }

  /** Messages sent whose reply has not come yet, oldest first. */
  get pending(): readonly SentMessage[] {
    return this.#pending
  }

  get sentCount(): number {
    return this.#sent
  }

  /** Resolves when every message sent so far has had its reply (or a wrong one). */
  whenAnswered(): Promise<void> {
    if (this.#pending.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idleWaiters.push(resolve))
  }

  #wakeIdleWaiters(): void {
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const wake of waiters) wake()
  }
}

/** Whether `reply` is exactly `Echo: ` + `message`. */
export function isEchoOf(message: Uint8Array, reply: Buffer): boolean {
  return (
    reply.length === ECHO_PREFIX.length + message.length &&
    reply.subarray(0, ECHO_PREFIX.length).equals(ECHO_PREFIX) &&
    reply.subarray(ECHO_PREFIX.length).equals(message)
  )
}

/** The reply a message should get, for showing what was expected. */
export function expectedReply(message: Uint8Array): Buffer {
  return Buffer.concat([ECHO_PREFIX, message])
}
