import { expect } from 'vitest'

/** The error of class `kind` that `run` throws; fails the test if it throws nothing or another. */
export function thrown<E extends Error>(
  kind: abstract new (...args: never[]) => E,
  run: () => unknown,
): E {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(kind)
    return error as E
  }
  throw new Error(`expected a ${kind.name}, nothing was thrown`)
}
