// Timestamps of Kubernetes objects -> epoch milliseconds (NaN when absent or unparseable).

/** RFC 3339 (seconds or MicroTime) -> ms since epoch; NaN when absent. */
export function parseTime(value: unknown): number {
  if (typeof value !== 'string' || value.length < 10) return Number.NaN
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) return Number.NaN
  // Date.parse keeps only milliseconds; MicroTime's microseconds matter little at this scale.
  return ms
}
