/**
 * How many CPUs this process may use, for the default thread count (DESIGN.md, "In a
 * container"): `availableParallelism()` counts the machine's cores, but a container limited to
 * half a CPU (`docker run --cpus=0.5`, a Swarm or Kubernetes CPU limit) gets its quota from the
 * cgroup, and one event loop per core it cannot use only adds switching. The quota is read where
 * a container sees its own cgroup: cgroup v2's `cpu.max` ("<quota> <period>" or "max <period>"),
 * else cgroup v1's `cpu.cfs_quota_us` / `cpu.cfs_period_us` (-1 = no quota). Outside a container
 * these are the root cgroup's, which has no quota.
 */
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'

export interface CgroupCpuFiles {
  v2Max: string
  v1Quota: string
  v1Period: string
}

const CGROUP_CPU_FILES: Readonly<CgroupCpuFiles> = Object.freeze({
  v2Max: '/sys/fs/cgroup/cpu.max',
  v1Quota: '/sys/fs/cgroup/cpu/cpu.cfs_quota_us',
  v1Period: '/sys/fs/cgroup/cpu/cpu.cfs_period_us',
})

/** The CPU quota as a number of CPUs (0.5, 2, ...), or undefined when there is none (or no cgroup). */
export function cpuQuota(files: CgroupCpuFiles = CGROUP_CPU_FILES): number | undefined {
  const v2 = readText(files.v2Max)
  if (v2 !== undefined) {
    const [quota, period] = v2.split(/\s+/)
    return ratio(quota, period)
  }
  return ratio(readText(files.v1Quota), readText(files.v1Period))
}

/** One thread per CPU the process may use: the cores, or fewer when a quota says so (rounded up). */
export function threadsForCpus(
  cores: number = availableParallelism(),
  quota: number | undefined = cpuQuota(),
): number {
  if (quota === undefined) return cores
  return Math.max(1, Math.min(cores, Math.ceil(quota)))
}

function ratio(quota: string | undefined, period: string | undefined): number | undefined {
  const q = Number(quota)
  const p = Number(period)
  // "max", -1, a missing or garbled file: no quota to follow.
  if (!Number.isInteger(q) || !Number.isInteger(p) || q <= 0 || p <= 0) return undefined
  return q / p
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return undefined
  }
}
