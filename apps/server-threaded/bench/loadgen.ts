/** Runs the anchors' C load generator once and reads its one JSON line. */
import { execFile } from 'node:child_process'

type LoadgenResult = Record<string, number>

/**
 * `boundS` is how long the run may take at most (warmup, window and connect phase): loadgen ends
 * itself with alarm(), and this kill is for a loadgen that cannot even do that. Null on failure,
 * which is reported on stderr.
 */
export function runLoadgen(
  command: [string, string[]],
  boundS: number,
  label: string,
): Promise<LoadgenResult | null> {
  return new Promise((resolve) => {
    const [file, args] = command
    const timeout = (boundS + 60) * 1000
    execFile(file, args, { timeout, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error !== null) {
        console.error(`!! loadgen against ${label} failed: ${error.message} ${stderr}`)
        resolve(null)
        return
      }
      resolve(JSON.parse(stdout) as LoadgenResult)
    })
  })
}
