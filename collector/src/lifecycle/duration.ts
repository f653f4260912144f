// Go time.Duration text ("796ms", "1m21.28s", "512µs") -> milliseconds, as kubelet prints pull durations.

const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign, what Go prints
  μs: 1e-3, // U+03BC greek mu, also accepted by Go's ParseDuration
  ns: 1e-6,
}

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|h|m|s)/y

/** Milliseconds (fractional allowed) of a Go duration string, or null when it is not one. */
export function parseGoDuration(text: string): number | null {
  const s = text.trim()
  if (s === '0') return 0
  if (s.length === 0) return null
  let total = 0
  PART.lastIndex = 0
  while (PART.lastIndex < s.length) {
    const at = PART.lastIndex
    const m = PART.exec(s)
    if (!m || m.index !== at) return null
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number)
  }
  return Number.isFinite(total) ? total : null
}
