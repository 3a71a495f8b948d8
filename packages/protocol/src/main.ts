/**
 * How every entry point starts and fails: a bad setting or a failure a person can fix ends the
 * program with one line on stderr, not a stack trace.
 */
import { ConfigError } from './config.ts'
import { ListenError } from './server/listen.ts'

/** Exit status for bad usage (a bad flag or setting), as command-line tools do. */
export const EXIT_USAGE = 2

export function runMain(program: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${program}: ${error.message}\n`)
      process.exitCode = EXIT_USAGE
    } else if (error instanceof ListenError) {
      process.stderr.write(`${program}: ${error.message}\n`)
      process.exitCode = 1
    } else {
      process.stderr.write(
        `${program}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      )
      process.exitCode = 1
    }
  })
}
