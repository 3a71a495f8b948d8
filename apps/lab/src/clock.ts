/**
 * One clock for everything the lab records: milliseconds since the Unix epoch, with the fraction
 * `performance.now()` gives. The servers' pino lines carry `time` on the same clock (whole
 * milliseconds), so client records and server logs share one time axis.
 */
export function now(): number {
  return performance.timeOrigin + performance.now()
}
