/**
 * What `npm run lab -- NAME` runs: each subcommand is a module of its own, loaded only when it is
 * asked for, so one subcommand's dependencies never slow another down.
 */
export interface Subcommand {
  /** One line for `npm run lab -- help`. */
  summary: string
  /** Runs with the arguments after the subcommand's name; resolves with the exit status. */
  run(args: readonly string[]): Promise<number>
}
