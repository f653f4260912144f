// The terminal breakdown of `podstart analyze`: per-phase p50/p90/p99, outcomes, the slowest pods and the
// precision of the boundaries, aggregated as records stream by (only the slowest few are kept).
import { nearestRank, PERCENTILE_METHODS, percentileMethodLine } from '@podstart/schema/queries'
import { ADDITIVE_PHASES, type PhaseName, type StartupRecord } from '@podstart/schema/record'

const PHASES_SHOWN: PhaseName[] = [
  ...ADDITIVE_PHASES.slice(0, 5),
  'download',
  'decompress',
  ...ADDITIVE_PHASES.slice(5),
]

/** Nearest-rank quantile of sorted values, the product's one method (docs/slo.md); NaN when there are none. */
export function quantile(sorted: number[], q: number): number {
  return nearestRank(sorted, q) ?? Number.NaN
}

const sec = (ms: number | null | undefined) =>
  ms === null || ms === undefined || Number.isNaN(ms) ? '-' : (ms / 1000).toFixed(3)

/** Aggregates records for the table without keeping them all. */
export class StartupSummary {
  readonly phaseValues = new Map<string, number[]>()
  readonly outcomes = new Map<string, number>()
  readonly sources = new Map<string, number>()
  slowest: StartupRecord[] = []
  records = 0
  clamps = 0
  clampedMs = 0
  constructor(private readonly top: number) {}

  add(r: StartupRecord): void {
    this.records++
    this.outcomes.set(r.outcome, (this.outcomes.get(r.outcome) ?? 0) + 1)
    for (const p of [...PHASES_SHOWN, 'total']) {
      const v = p === 'total' ? r.totalMs : r.phases[p as PhaseName]
      if (v === null || v === undefined) continue
      const list = this.phaseValues.get(p)
      if (list) list.push(v)
      else this.phaseValues.set(p, [v])
    }
    for (const b of Object.values(r.boundaries))
      if (b) this.sources.set(b.source, (this.sources.get(b.source) ?? 0) + 1)
    this.clamps += r.clockSkewClamps ?? 0
    this.clampedMs += r.clockSkewClampedMs ?? 0
    if (r.totalMs !== null && this.top > 0) {
      this.slowest.push(r)
      if (this.slowest.length > this.top * 4) this.trim()
    }
  }

  private trim(): void {
    this.slowest.sort((a, b) => (b.totalMs ?? 0) - (a.totalMs ?? 0))
    this.slowest.length = Math.min(this.slowest.length, this.top)
  }

  render(): string {
    this.trim()
    const lines: string[] = []
    lines.push(`${this.records} pod startups`)
    lines.push('')
    lines.push(
      `${'phase'.padEnd(12)}${'count'.padStart(8)}${'p50 s'.padStart(10)}${'p90 s'.padStart(10)}${'p99 s'.padStart(10)}`,
    )
    for (const p of [...PHASES_SHOWN, 'total']) {
      const v = (this.phaseValues.get(p) ?? []).sort((a, b) => a - b)
      lines.push(
        `${p.padEnd(12)}${String(v.length).padStart(8)}${sec(quantile(v, 0.5)).padStart(10)}${sec(quantile(v, 0.9)).padStart(10)}${sec(quantile(v, 0.99)).padStart(10)}`,
      )
    }
    lines.push(percentileMethodLine(PERCENTILE_METHODS.nearestRank))
    lines.push('')
    lines.push(`outcomes: ${[...this.outcomes].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`)
    if (this.slowest.length > 0) {
      lines.push('')
      lines.push(`slowest ${this.slowest.length}:`)
      const short = ['scheduling', 'sandbox', 'init', 'pullWait', 'pull', 'start', 'ready'] as const
      lines.push(`  ${'pod'.padEnd(50)}${'total'.padStart(9)}${short.map((s) => s.padStart(11)).join('')}`)
      for (const r of this.slowest) {
        const name = `${r.namespace}/${r.pod}`
        lines.push(
          `  ${name.slice(0, 49).padEnd(50)}${sec(r.totalMs).padStart(9)}${short.map((s) => sec(r.phases[s]).padStart(11)).join('')}`,
        )
      }
    }
    lines.push('')
    const src = [...this.sources].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`)
    lines.push(
      `precision: boundaries by source: ${src.join(', ') || 'none'}; clock skew clamped: ${this.clamps} (${this.clampedMs} ms)`,
    )
    return lines.join('\n')
  }
}
