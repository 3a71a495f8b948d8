import { describe, expect, it } from 'vitest'
import { RestartPolicy, SUPERVISION_DEFAULTS } from '../src/restart-policy.ts'

const options = { ...SUPERVISION_DEFAULTS, maxCrashesInWindow: 4, crashWindowMs: 10_000 }

describe('RestartPolicy', () => {
  it('replaces a crashed worker quickly, then doubles the delay for each crash in the window', () => {
    const policy = new RestartPolicy(options)
    expect(policy.onCrash(0)).toBe(100)
    expect(policy.onCrash(1)).toBe(200)
    expect(policy.onCrash(2)).toBe(400)
  })

  it('gives up when crashes keep coming within the window', () => {
    const policy = new RestartPolicy(options)
    for (let crash = 0; crash < 3; crash++) expect(policy.onCrash(crash * 1000)).not.toBeNull()
    expect(policy.onCrash(3000)).toBeNull()
  })

  it('forgets crashes older than the window', () => {
    const policy = new RestartPolicy(options)
    for (let crash = 0; crash < 3; crash++) policy.onCrash(crash)
    expect(policy.recentCrashes(2)).toBe(3)
    expect(policy.onCrash(20_000)).toBe(100)
    expect(policy.recentCrashes(20_000)).toBe(1)
  })

  it('never waits longer than the largest delay', () => {
    const policy = new RestartPolicy({ ...options, maxCrashesInWindow: 100 })
    const delays = Array.from({ length: 20 }, (_, crash) => policy.onCrash(crash))
    expect(Math.max(...delays.map(Number))).toBe(SUPERVISION_DEFAULTS.maxRestartDelayMs)
  })
})
