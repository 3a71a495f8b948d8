/**
 * An error that ends a program with one line a person can act on, and the exit status it means.
 * Every such error (a bad setting, a port that cannot be listened on, a server that cannot be
 * reached) extends this, so `runMain` needs to know none of them.
 */
export class ProgramError extends Error {
  readonly exitStatus: number
  constructor(message: string, exitStatus: number) {
    super(message)
    this.exitStatus = exitStatus
  }
}

/** Exit status for bad usage (a bad flag or setting), as command-line tools do. */
export const EXIT_USAGE = 2
