/**
 * Ctrl-C (SIGINT) and SIGTERM during a lab run: the first aborts the run, whose every wait ends
 * and whose servers are stopped by PID on the way out; a second exits at once (testkit kills the
 * servers still running as the process exits).
 */
export const EXIT_INTERRUPTED = 130

export interface Interruptible {
  signal: AbortSignal
  /** Removes the handlers: the run is over. */
  dispose(): void
}

export function interruptible(say: (line: string) => void): Interruptible {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED)
    say(`interrupted (${signal}): stopping the servers…`)
    controller.abort(new Error(`interrupted by ${signal}`))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}
