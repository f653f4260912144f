// The official SLI per cluster-day on /metrics: a quantile of the current UTC day's values, kept as a
// log-bucketed sketch (relative error <= 1%, a few hundred counters a day whatever the number of pods) instead
// of every value. A value of an earlier day than the current one is ignored; a later day starts a new sketch.

const DAY_MS = 86_400_000

export class DayQuantile {
  private readonly gamma: number
  private readonly logGamma: number
  private day: number | null = null
  private bins = new Map<number, number>()
  private zeros = 0
  private n = 0

  /** `relativeError` is the sketch's bound on |estimate - true| / true (default 1%). */
  constructor(relativeError = 0.01) {
    if (!(relativeError > 0 && relativeError < 1)) throw new RangeError('relativeError must be in (0, 1)')
    this.gamma = (1 + relativeError) / (1 - relativeError)
    this.logGamma = Math.log(this.gamma)
  }

  /** Adds a value (>= 0) that belongs to the UTC day of `atMs`. */
  add(value: number, atMs: number): void {
    if (!(value >= 0) || !Number.isFinite(value)) return
    const day = Math.floor(atMs / DAY_MS)
    if (this.day !== null && day < this.day) return
    if (this.day === null || day > this.day) this.startDay(day)
    this.n++
    if (value === 0) {
      this.zeros++
      return
    }
    const i = Math.ceil(Math.log(value) / this.logGamma)
    this.bins.set(i, (this.bins.get(i) ?? 0) + 1)
  }

  /** Values of the UTC day of `nowMs` (0 once that day has none). */
  count(nowMs: number): number {
    return this.day === Math.floor(nowMs / DAY_MS) ? this.n : 0
  }

  /**
   * The q-quantile (nearest rank, as ClickHouse's quantileExact) of the UTC day of `nowMs`, or null when that
   * day has no values.
   */
  quantile(q: number, nowMs: number): number | null {
    if (this.count(nowMs) === 0) return null
    const rank = Math.max(1, Math.ceil(q * this.n))
    if (rank <= this.zeros) return 0
    let seen = this.zeros
    for (const i of [...this.bins.keys()].sort((a, b) => a - b)) {
      seen += this.bins.get(i) ?? 0
      // The bin (gamma^(i-1), gamma^i] is answered by the point whose relative error to both ends is equal.
      if (seen >= rank) return (2 * this.gamma ** i) / (this.gamma + 1)
    }
    return null
  }

  private startDay(day: number): void {
    this.day = day
    this.bins = new Map()
    this.zeros = 0
    this.n = 0
  }
}
