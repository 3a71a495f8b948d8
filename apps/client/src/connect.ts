/**
 * A connection, retried with backoff for a bounded time: in compose the client container may
 * start before the server listens, and in a rolling update the next replica may not listen yet
 * (DESIGN.md, "The client", "Replicas"). Every attempt resolves the host name again, so a name
 * with several addresses (a replicated service) can land anywhere. Gives up with a sentence a
 * person can act on, never a stack trace; a stop signal (SIGTERM while retrying) ends it at once.
 */
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { ProgramError } from '@echolab/cli'

/** First pause between attempts; it doubles each time up to MAX_BACKOFF_MS. */
const FIRST_BACKOFF_MS = 100
const MAX_BACKOFF_MS = 2_000
/** An attempt may take at least this long, however little of the retry time is left. */
const MIN_ATTEMPT_MS = 5_000

interface Connected {
  socket: Socket
  attempts: number
  /** From the first attempt to the established connection. */
  elapsedMs: number
}

/** Exit status when the server cannot be reached: a failure, like a wrong reply (--help). */
const EXIT_UNREACHABLE = 1

/** The server could not be reached in the time allowed: one line, and the exit status it means. */
export class UnreachableError extends ProgramError {
  override name = 'UnreachableError'
  readonly attempts: number
  readonly elapsedMs: number

  constructor(host: string, port: number, attempts: number, elapsedMs: number, cause: Error) {
    const tried =
      attempts === 1 ? '1 attempt' : `${attempts} attempts over ${(elapsedMs / 1000).toFixed(1)} s`
    super(
      `cannot connect to ${host}:${port} (${describeSocketError(cause)}; ${tried})`,
      EXIT_UNREACHABLE,
    )
    this.attempts = attempts
    this.elapsedMs = elapsedMs
  }
}

/**
 * Connects to host:port, retrying refused, unresolvable or timed-out attempts until
 * `timeoutMs` has passed (0: one attempt). `onRetry` hears about each failed attempt. When
 * `signal` aborts, the attempt or the pause under way ends and its AbortError is thrown.
 */
export async function connectWithRetry(
  host: string,
  port: number,
  timeoutMs: number,
  onRetry: (error: Error, attempt: number) => void = () => {},
  signal?: AbortSignal,
): Promise<Connected> {
  const started = performance.now()
  const deadline = started + timeoutMs
  let backoffMs = FIRST_BACKOFF_MS
  for (let attempt = 1; ; attempt++) {
    const remainingMs = deadline - performance.now()
    try {
      const socket = await connectOnce(host, port, Math.max(remainingMs, MIN_ATTEMPT_MS), signal)
      return { socket, attempts: attempt, elapsedMs: performance.now() - started }
    } catch (error) {
      if (signal?.aborted) throw error
      const waitMs = Math.min(backoffMs, deadline - performance.now())
      if (waitMs <= 0) {
        throw new UnreachableError(host, port, attempt, performance.now() - started, error as Error)
      }
      onRetry(error as Error, attempt)
      await sleep(waitMs, undefined, { signal })
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS)
    }
  }
}

/** Where to connect and how long to keep trying: the connection settings of every mode. */
interface Target {
  host: string
  port: number
  connectTimeoutMs: number
}

/** What `reach` gives when its stop signal ended the retrying. */
export const STOPPED = Symbol('stopped')

/**
 * connectWithRetry for the modes that talk: an unreachable server is an outcome, not a throw,
 * and so is being stopped (STOPPED).
 */
export async function reach(
  target: Target,
  onRetry?: (error: Error, attempt: number) => void,
): Promise<Connected | UnreachableError>
export async function reach(
  target: Target,
  onRetry: ((error: Error, attempt: number) => void) | undefined,
  signal: AbortSignal,
): Promise<Connected | UnreachableError | typeof STOPPED>
export async function reach(
  target: Target,
  onRetry?: (error: Error, attempt: number) => void,
  signal?: AbortSignal,
): Promise<Connected | UnreachableError | typeof STOPPED> {
  try {
    return await connectWithRetry(
      target.host,
      target.port,
      target.connectTimeoutMs,
      onRetry,
      signal,
    )
  } catch (error) {
    if (signal?.aborted) return STOPPED
    if (error instanceof UnreachableError) return error
    throw error
  }
}

function connectOnce(
  host: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted()
    const socket = connect({ host, port, noDelay: true })
    const settle = (error?: Error): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (!error) {
        socket.removeAllListeners('error')
        resolve(socket)
        return
      }
      socket.destroy()
      reject(error)
    }
    const onAbort = (): void => settle(signal?.reason as Error)
    const timer = setTimeout(
      () => settle(Object.assign(new Error('connection timed out'), { code: 'ETIMEDOUT' })),
      timeoutMs,
    )
    signal?.addEventListener('abort', onAbort, { once: true })
    socket.once('error', (error) => settle(error))
    socket.once('connect', () => settle())
  })
}

const EXPLANATIONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused: is the server running?',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
}

/** A socket error as a person reads it: "connection refused: is the server running?". */
export function describeSocketError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code
  return (code && EXPLANATIONS[code]) ?? error.message
}
