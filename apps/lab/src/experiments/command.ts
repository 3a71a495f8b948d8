/**
 * `npm run lab [-- N]`: the lab's experiments. Being built in issue 12; until then it says so.
 */
import type { Subcommand } from '../subcommand.ts'

export const experiments: Subcommand = {
  summary: 'run the experiments (all, or one by number) and show their timelines',
  async run() {
    process.stderr.write('lab: the experiments are not built yet (issue 12)\n')
    return 1
  },
}
