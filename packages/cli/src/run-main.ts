/**
 * How every entry point starts and fails: a failure a person can fix (a ProgramError) ends the
 * program with one line on stderr and its exit status, not a stack trace.
 */
import { ProgramError } from './program-error.ts'

export function runMain(program: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ProgramError) {
      process.stderr.write(`${program}: ${error.message}\n`)
      process.exitCode = error.exitStatus
    } else {
      process.stderr.write(
        `${program}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      )
      process.exitCode = 1
    }
  })
}
