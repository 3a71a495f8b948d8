/**
 * Why a session ended: the one list (STYLE.md principle 23) from which the `EndReason` type, the
 * metrics columns (`echolab_sessions_ended_total{reason}`) and the README's table come. A reason
 * added here is counted and documented, or a test says which is missing.
 */
export const END_REASONS = Object.freeze([
  'quit',
  'end-of-input',
  'idle-timeout',
  'message-too-long',
  'shutdown',
  'drain-timeout',
  'peer-reset',
  'error',
] as const)

export type EndReason = (typeof END_REASONS)[number]

/** What each reason means, as the README's table says it. */
export const END_REASON_MEANINGS: Readonly<Record<EndReason, string>> = Object.freeze({
  quit: 'the client sent a quit word (`sair`, `exit`, `quit`)',
  'end-of-input': 'the client closed its side (half-close); everything it sent was answered',
  'idle-timeout': 'the client sent nothing for `--idle-timeout-ms`',
  'message-too-long': 'a message went over `--max-message-bytes`',
  shutdown: 'the server shut down (SIGTERM/SIGINT) while the session was open',
  'drain-timeout': 'the client stopped reading its replies for `--drain-timeout-ms`',
  'peer-reset': 'the connection was reset or closed under the server',
  error: 'any other socket error (logged at error level)',
})
