/**
 * Whether a server's memory "keeps growing" over a soak: after the warm-up (the first quarter,
 * while connections open and pools fill), the median RSS of the last quarter against that of the
 * second. Growth counts only if it is both large in itself and large relatively: a heap that
 * settles a few MiB higher is not a leak, one that climbs all along is.
 */
export interface Sample {
  seconds: number
  rssBytes: number
  /** Share of one core used since the previous sample. */
  cpuShare: number
}

const GROWTH_BYTES = 32 * 2 ** 20
const GROWTH_RATIO = 1.2

export function memoryVerdict(samples: readonly Sample[]): { growing: boolean; summary: string } {
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`
  if (samples.length < 8) return { growing: false, summary: 'too few samples to judge' }
  const quarter = Math.floor(samples.length / 4)
  const second = median(samples.slice(quarter, 2 * quarter).map((s) => s.rssBytes))
  const last = median(samples.slice(-quarter).map((s) => s.rssBytes))
  const peak = Math.max(...samples.map((s) => s.rssBytes))
  const growing = last - second > GROWTH_BYTES && last > second * GROWTH_RATIO
  return {
    growing,
    summary: `median ${mib(second)} (2nd quarter) -> ${mib(last)} (last quarter), peak ${mib(peak)}`,
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}
