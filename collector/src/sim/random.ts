// Seeded randomness for the simulated cluster: the same seed gives the same cluster, pods and truth.

/** A distribution as written in scenario files: a fixed number, a [min, max] range, or a log-normal by median/p90. */
export type Distribution = number | [number, number] | { median: number; p90: number }

export class SeededRandom {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9
  }

  /** mulberry32: small, fast, good enough for simulation. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next()
  }

  int(min: number, maxInclusive: number): number {
    return Math.floor(this.uniform(min, maxInclusive + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list')
    return items[Math.floor(this.next() * items.length)] as T
  }

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    const total = items.reduce((s, i) => s + weight(i), 0)
    let r = this.next() * total
    for (const item of items) {
      r -= weight(item)
      if (r < 0) return item
    }
    return items[items.length - 1] as T
  }

  normal(): number {
    const u = 1 - this.next()
    const v = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** Draws from a scenario distribution. Log-normal sigma is derived so that P90 / median = p90 / median. */
  draw(d: Distribution): number {
    if (typeof d === 'number') return d
    if (Array.isArray(d)) return this.uniform(d[0], d[1])
    const sigma = d.p90 > d.median ? Math.log(d.p90 / d.median) / 1.2816 : 0
    return d.median * Math.exp(sigma * this.normal())
  }

  hex(chars: number): string {
    let s = ''
    while (s.length < chars)
      s += Math.floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, '0')
    return s.slice(0, chars)
  }

  /** Lower-case alphanumerics without vowels, like the suffixes Kubernetes generates for names. */
  suffix(chars: number): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789'
    let s = ''
    for (let i = 0; i < chars; i++) s += alphabet[Math.floor(this.next() * alphabet.length)]
    return s
  }

  uuid(): string {
    const h = this.hex(32)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16] ?? '0', 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`
  }
}

/** Multiplies every value of a distribution by `f`. */
export function scaleDistribution(d: Distribution, f: number): Distribution {
  if (typeof d === 'number') return d * f
  if (Array.isArray(d)) return [d[0] * f, d[1] * f]
  return { median: d.median * f, p90: d.p90 * f }
}
