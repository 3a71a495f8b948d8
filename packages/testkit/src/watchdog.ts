/**
 * Every wait in an end-to-end test has a bound: a hung server fails the test with a sentence
 * saying what never happened, instead of hanging the suite.
 */

export const DEFAULT_WAIT_MS = 5_000

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
