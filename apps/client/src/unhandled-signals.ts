/**
 * PID 1's duty in a container: the kernel delivers no signal to PID 1 that it has no handler
 * for, so without an init (orchestrators add none) `docker stop` would wait out its timeout and
 * kill the client. This gives SIGINT and SIGTERM their usual meaning (exit 128 + the signal's
 * number) whenever no mode is listening for them; a mode that handles them itself (scripted
 * mode leaves with sair, interactive mode says goodbye) adds its own listener and this one
 * steps aside. The client starts no child processes, so there is nothing to reap.
 */
import { constants } from 'node:os'

const SIGNALS = ['SIGINT', 'SIGTERM'] as const

export function exitOnUnhandledSignals(): void {
  for (const signal of SIGNALS) {
    const exitLikeTheDefault = (): void => {
      if (process.listenerCount(signal) > 1) return
      process.exit(128 + constants.signals[signal])
    }
    process.on(signal, exitLikeTheDefault)
  }
}
