import { describe, expect, it } from 'vitest'

describe('the runtime', () => {
  // The machine's own `node` is v20, but the repo pins Node 24 with the `node` package as a dev
  // dependency: npm scripts put node_modules/.bin first on PATH, so `npm test` runs vitest on
  // Node 24. Sources rely on it (Node runs .ts directly by stripping types, also in worker
  // threads), so a run that slipped onto the system's Node 20 must fail loudly here.
  it('runs the tests on Node 24 or later', () => {
    const major = Number(process.versions.node.split('.')[0])
    expect(major, `tests ran on Node ${process.versions.node}`).toBeGreaterThanOrEqual(24)
  })

  it('strips TypeScript types itself, as the worker threads that load .ts sources need', () => {
    expect(process.features.typescript).toBe('strip')
  })
})
