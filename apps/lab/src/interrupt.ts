/**
 * Ctrl-C (SIGINT) and SIGTERM during a lab run: the first aborts the run, whose every wait ends
 * and whose servers are stopped by PID on the way out; a second exits at once (testkit kills the
 * servers still running as the process exits).
 */
export const EXIT_INTERRUPTED = 130

/**
 * Under `npm run lab` one Ctrl-C arrives twice (from the terminal and from npm passing it on):
 * a signal this soon after the first is the same request, not "now".
 */
const SAME_REQUEST_MS = 1_000

interface Interruptible {
  signal: AbortSignal
  /** Removes the handlers: the run is over. */
  dispose(): void
}

export function interruptible(say: (line: string) => void): Interruptible {
  const controller = new AbortController()
  let firstAt = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      if (performance.now() - firstAt >= SAME_REQUEST_MS) process.exit(EXIT_INTERRUPTED)
      return
    }
    firstAt = performance.now()
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
