/**
 * Waits for a condition over state that changes on events (bytes arriving, log lines, exits):
 * each `wait` re-checks whenever the owner calls `notify()`, and fails as soon as `failure`
 * says the condition can no longer come true (the connection ended, the process exited).
 */
export class Waitlist {
  readonly #checks = new Set<() => void>()
  readonly #failure: () => Error | undefined

  constructor(failure: () => Error | undefined) {
    this.#failure = failure
  }

  wait<T>(find: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = find()
        const failure = found === undefined ? this.#failure() : undefined
        if (found === undefined && failure === undefined) return
        this.#checks.delete(check)
        if (found !== undefined) resolve(found)
        else reject(failure)
      }
      this.#checks.add(check)
      check()
    })
  }

  notify(): void {
    for (const check of [...this.#checks]) check()
  }
}
