// Bounded workload labels for /metrics: the N workloads with the most startups in the last full window keep a
// label of their own, every other workload is counted as `other`. Series of a workload that falls out of the
// top N are removed at the turn of the window, so the label set never grows past N + 1 per cluster.

export const OTHER_WORKLOAD = 'other'

export interface WorkloadKey {
  cluster: string
  namespace: string
  /** Kind/name, e.g. Deployment/checkout; pods without an owner count under their own name as Pod/<name>. */
  workload: string
}

const keyOf = (k: WorkloadKey) => `${k.cluster}\u0000${k.namespace}\u0000${k.workload}`

export interface TopWorkloadsOptions {
  /** How many workloads keep their own label (0: every workload is `other`). */
  limit: number
  /** Length of the ranking window in ms (the top N are those with most startups in the last full window). */
  windowMs: number
  /** Told of each workload that lost its label, so its series can be removed. */
  onDemoted?(key: WorkloadKey): void
}

export class TopWorkloads {
  private admitted = new Map<string, WorkloadKey>()
  private counts = new Map<string, { key: WorkloadKey; n: number }>()
  private windowStart: number | null = null

  constructor(private readonly o: TopWorkloadsOptions) {
    if (!Number.isInteger(o.limit) || o.limit < 0)
      throw new RangeError(`top workloads limit must be a whole number >= 0, got ${o.limit}`)
    if (!(o.windowMs > 0)) throw new RangeError(`top workloads window must be > 0 ms, got ${o.windowMs}`)
  }

  /**
   * Counts one startup of `key` at `nowMs` and says which workload label it is recorded under: its own when it
   * is in the top N, else `other`. In the first window, before any ranking exists, the first N seen are admitted.
   */
  label(key: WorkloadKey, nowMs: number): string {
    this.roll(nowMs)
    const k = keyOf(key)
    const c = this.counts.get(k)
    if (c) c.n++
    else this.counts.set(k, { key, n: 1 })
    if (this.admitted.has(k)) return key.workload
    if (this.admitted.size < this.o.limit) {
      this.admitted.set(k, key)
      return key.workload
    }
    return OTHER_WORKLOAD
  }

  /** The workloads that have a label of their own now. */
  current(): WorkloadKey[] {
    return [...this.admitted.values()]
  }

  private roll(nowMs: number): void {
    if (this.windowStart === null) {
      this.windowStart = nowMs
      return
    }
    if (nowMs - this.windowStart < this.o.windowMs) return
    // Rank by the window just ended; ties go to the workload already admitted (no churn), then by name.
    const ranked = [...this.counts.entries()].sort(
      ([ka, a], [kb, b]) =>
        b.n - a.n ||
        Number(this.admitted.has(kb)) - Number(this.admitted.has(ka)) ||
        (ka < kb ? -1 : ka > kb ? 1 : 0),
    )
    const next = new Map(ranked.slice(0, this.o.limit).map(([k, c]) => [k, c.key] as const))
    for (const [k, key] of this.admitted) if (!next.has(k)) this.o.onDemoted?.(key)
    this.admitted = next
    this.counts = new Map()
    this.windowStart = nowMs
  }
}
