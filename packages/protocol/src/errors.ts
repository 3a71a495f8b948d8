/**
 * The one error class for everything the protocol refuses. Each code has a stable name that
 * tests and logs can match on and exactly one `Error: <reason>` line that goes on the wire
 * (DESIGN.md: "When the server must end a session itself, it sends one line `Error: <reason>`").
 */

export const ErrorCode = {
  MESSAGE_TOO_LONG: 'ECHO_ERR_MESSAGE_TOO_LONG',
  SERVER_BUSY: 'ECHO_ERR_SERVER_BUSY',
  IDLE_TIMEOUT: 'ECHO_ERR_IDLE_TIMEOUT',
  SHUTTING_DOWN: 'ECHO_ERR_SHUTTING_DOWN',
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

const ERROR_PREFIX = 'Error: '

export class EchoError extends Error {
  readonly code: ErrorCode
  /** The reason as the client reads it, without the `Error: ` prefix and the LF. */
  readonly reason: string

  constructor(code: ErrorCode, reason: string) {
    super(reason)
    this.name = 'EchoError'
    this.code = code
    this.reason = reason
  }

  /** The exact bytes sent to the client before the server closes the connection. */
  get wireLine(): Buffer {
    return Buffer.from(`${ERROR_PREFIX}${this.reason}\n`)
  }

  static messageTooLong(limitBytes: number): EchoError {
    return new EchoError(ErrorCode.MESSAGE_TOO_LONG, `message too long (limit ${limitBytes} bytes)`)
  }

  /** `detail` says why the server is full, e.g. "128 clients waiting". */
  static serverBusy(detail: string): EchoError {
    return new EchoError(ErrorCode.SERVER_BUSY, `server busy (${detail})`)
  }

  static idleTimeout(idleTimeoutMs: number): EchoError {
    return new EchoError(
      ErrorCode.IDLE_TIMEOUT,
      `idle timeout (no message for ${formatDuration(idleTimeoutMs)})`,
    )
  }

  static shuttingDown(): EchoError {
    return new EchoError(ErrorCode.SHUTTING_DOWN, 'server shutting down')
  }
}

/** Whether a line received from a server is an `Error:` line rather than an echo. */
export function isErrorLine(line: Buffer | string): boolean {
  const text = typeof line === 'string' ? line : line.subarray(0, ERROR_PREFIX.length).toString()
  return text.startsWith(ERROR_PREFIX)
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}
