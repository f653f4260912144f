// Timestamps of Kubernetes objects -> epoch milliseconds (NaN when absent or unparseable).

/**
 * The last texts read and their values: a watch delivers the same second-resolution stamps again and again
 * (every event of a burst, every condition of a pod), and Date.parse was a tenth of the lifecycle's time.
 */
const parsed = new Map<string, number>()
const MAX_PARSED = 4096

/** RFC 3339 (seconds or MicroTime) -> ms since epoch; NaN when absent. */
export function parseTime(value: unknown): number {
  if (typeof value !== 'string' || value.length < 10) return Number.NaN
  const known = parsed.get(value)
  if (known !== undefined) return known
  // Date.parse keeps only milliseconds; MicroTime's microseconds matter little at this scale.
  const ms = Date.parse(value)
  if (parsed.size >= MAX_PARSED) parsed.clear()
  parsed.set(value, ms)
  return ms
}
