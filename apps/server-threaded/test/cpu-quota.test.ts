/**
 * The default thread count follows the container's CPU quota (DESIGN.md, "In a container"),
 * read from fake cgroup files: what `docker run --cpus=0.5` or a Swarm/Kubernetes limit writes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type CgroupCpuFiles, cpuQuota, threadsForCpus } from '../src/cpu-quota.ts'

let dir: string | undefined
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

/** Cgroup files with these contents (a missing entry is a missing file). */
function fakeCgroup(contents: { v2Max?: string; v1Quota?: string; v1Period?: string }) {
  dir = mkdtempSync(join(tmpdir(), 'echolab-cgroup-'))
  const files: CgroupCpuFiles = {
    v2Max: join(dir, 'cpu.max'),
    v1Quota: join(dir, 'cpu.cfs_quota_us'),
    v1Period: join(dir, 'cpu.cfs_period_us'),
  }
  for (const [name, text] of Object.entries(contents)) {
    writeFileSync(files[name as keyof CgroupCpuFiles], `${text}\n`)
  }
  return files
}

describe('the CPU quota from the cgroup', () => {
  it.each([
    ['cgroup v2, --cpus=0.5', { v2Max: '50000 100000' }, 0.5],
    ['cgroup v2, --cpus=1.5', { v2Max: '150000 100000' }, 1.5],
    ['cgroup v2, no limit', { v2Max: 'max 100000' }, undefined],
    ['cgroup v1, --cpus=0.5', { v1Quota: '50000', v1Period: '100000' }, 0.5],
    ['cgroup v1, no limit', { v1Quota: '-1', v1Period: '100000' }, undefined],
    ['no cgroup files at all', {}, undefined],
    ['a garbled file', { v2Max: 'lots' }, undefined],
  ])('%s', (_, contents, quota) => {
    expect(cpuQuota(fakeCgroup(contents))).toBe(quota)
  })

  it('cgroup v2 wins when both are there (a hybrid host)', () => {
    const files = fakeCgroup({ v2Max: '200000 100000', v1Quota: '50000', v1Period: '100000' })
    expect(cpuQuota(files)).toBe(2)
  })
})

describe('the default thread count', () => {
  it('is one per core with no quota', () => {
    expect(threadsForCpus(8, undefined)).toBe(8)
  })

  it('is the quota rounded up, at least 1, at most the cores', () => {
    expect(threadsForCpus(2, 0.5)).toBe(1)
    expect(threadsForCpus(8, 1.5)).toBe(2)
    expect(threadsForCpus(2, 4)).toBe(2)
    expect(threadsForCpus(4, 0.01)).toBe(1)
  })

  it('is what a half-CPU container on a 2-core machine starts: 1', () => {
    expect(threadsForCpus(2, cpuQuota(fakeCgroup({ v2Max: '50000 100000' })))).toBe(1)
  })
})
