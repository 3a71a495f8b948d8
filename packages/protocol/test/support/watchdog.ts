/** Every wait in a test has a bound, and says what never happened when it runs out. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const signal = AbortSignal.timeout(ms)
  const expired = new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(new Error(`no ${what} within ${ms} ms`)))
  })
  return Promise.race([promise, expired])
}

/** Long enough for a slow shared machine, far shorter than the vitest watchdog. */
export const WAIT_MS = 5_000
