/** The machine a run was made on, as the report states it: results depend on it. */
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os'

export interface Machine {
  cores: number
  cpu: string
  node: string
  os: string
  memoryGiB: number
}

export function thisMachine(): Machine {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${platform()} ${release()}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  }
}
