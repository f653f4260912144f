// The statistics behind "statistically supported": nearest-rank quantiles, the Mann-Whitney U test (normal
// approximation with tie and continuity corrections), a seeded bootstrap interval and Benjamini-Hochberg.
import { nearestRank } from '../queries/slo.ts'

/**
 * The product's one percentile method (docs/slo.md): nearest rank, the value of rank ceil(level * n) of the n sorted
 * values, in integer arithmetic (queries/slo.ts nearestRank; nearestRankSql is the same rule in SQL).
 */
export function quantile(sorted: readonly number[], level: number): number | null {
  return nearestRank(sorted, level)
}

export function sortNumbers(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort())
}

export interface MannWhitneyResult {
  /** U of the first sample: pairs (a, b) with a > b, ties counting one half. */
  u: number
  /** Standardised U (positive: the first sample tends larger), with continuity correction. */
  z: number
  /** Two-sided p-value from the normal approximation (tie-corrected variance). */
  pTwoSided: number
  /** Probability that a value of the first sample exceeds one of the second (ties half): U / (n1 n2). */
  effect: number
}

/**
 * Mann-Whitney U of `a` against `b`. Ranks are averaged over ties; the variance is tie-corrected:
 * n1 n2 / 12 * ((N + 1) - sum(t^3 - t) / (N (N - 1))).
 */
export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length
  const n2 = b.length
  if (n1 === 0 || n2 === 0) throw new Error('mannWhitney needs two non-empty samples')
  // Merge the two sorted samples, one run of equal values at a time: typed arrays, no object per value.
  const x = Float64Array.from(a).sort()
  const y = Float64Array.from(b).sort()
  const n = n1 + n2
  let rankSumA = 0
  let tieTerm = 0
  let i = 0
  let j = 0
  while (i < n1 || j < n2) {
    const v =
      j >= n2 || (i < n1 && (x[i] as number) <= (y[j] as number)) ? (x[i] as number) : (y[j] as number)
    let inA = 0
    while (i < n1 && x[i] === v) {
      i++
      inA++
    }
    let inB = 0
    while (j < n2 && y[j] === v) {
      j++
      inB++
    }
    const t = inA + inB
    const before = i + j - t
    rankSumA += inA * ((2 * before + t + 1) / 2)
    tieTerm += t * t * t - t
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2
  const mean = (n1 * n2) / 2
  const variance = ((n1 * n2) / 12) * (n + 1 - (n > 1 ? tieTerm / (n * (n - 1)) : 0))
  const diff = u - mean
  const z = variance > 0 ? (Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5)) / Math.sqrt(variance) : 0
  const p = z === 0 ? 1 : Math.min(1, 2 * normalSf(Math.abs(z)))
  return { u, z, pTwoSided: p, effect: u / (n1 * n2) }
}

/** Upper tail of the standard normal (Abramowitz-Stegun 7.1.26 on erfc; error below 1.5e-7). */
export function normalSf(z: number): number {
  if (z < 0) return 1 - normalSf(-z)
  const x = z / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
  return 0.5 * poly * Math.exp(-x * x)
}

/**
 * Benjamini-Hochberg adjusted p-values (same order as given): rejecting those <= q controls the false
 * discovery rate at q for independent or positively dependent tests.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p)
  const adjusted = new Array<number>(m)
  let running = 1
  for (let k = m - 1; k >= 0; k--) {
    const { p, i } = order[k] as { p: number; i: number }
    running = Math.min(running, (p * m) / (k + 1))
    adjusted[i] = running
  }
  return adjusted
}

/** mulberry32: a small seeded generator, so a report computed twice is identical. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Percentile bootstrap interval of quantile(cur) - quantile(prev): resample each side with replacement
 * `resamples` times; the interval is the (alpha/2, 1 - alpha/2) quantiles of the differences.
 */
export function bootstrapQuantileDiff(
  prev: readonly number[],
  cur: readonly number[],
  opts: { level: number; resamples: number; alpha: number; seed: number },
): { low: number; high: number } {
  const rnd = seededRandom(opts.seed)
  const draw = (xs: readonly number[]) => {
    const s = new Float64Array(xs.length)
    for (let i = 0; i < xs.length; i++) s[i] = xs[Math.floor(rnd() * xs.length)] as number
    s.sort()
    return s[Math.min(s.length - 1, Math.floor(opts.level * s.length))] as number
  }
  const diffs = new Float64Array(opts.resamples)
  for (let r = 0; r < opts.resamples; r++) diffs[r] = draw(cur) - draw(prev)
  diffs.sort()
  const at = (l: number) => diffs[Math.min(diffs.length - 1, Math.floor(l * diffs.length))] as number
  return { low: at(opts.alpha / 2), high: at(1 - opts.alpha / 2) }
}
