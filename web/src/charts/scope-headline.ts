// The headline figures of a scope's breakdown: how many startups, their total percentiles, the cold share, the
// worst SLO day and the failed pulls.
import type { StartupAggregate } from '@podstart/schema/queries'
import { SLO_TARGET_MS, type SloDay, type StartKindSummary } from './startup-series.ts'

export interface ScopeHeadline {
  startups: number
  total: StartupAggregate['total']
  /** Cold startups over all startups (0..1); null without startups. */
  coldShare: number | null
  /** Highest p99 of the SLO cut over the cluster-days, in seconds; null when no day has one. */
  worstSloP99: number | null
  /** True when that worst day misses the 5 s target. */
  sloMissed: boolean
  pulls: number
  failedPulls: number
}

export function scopeHeadline(
  summary: StartupAggregate,
  kinds: StartKindSummary[],
  slo: SloDay[],
  pullSteps: { pulls: number; failed: number }[],
): ScopeHeadline {
  const cold = kinds.find((k) => k.kind === 'cold')?.startups ?? 0
  const worstSloP99 = slo.reduce<number | null>(
    (m, d) => (d.p99 !== null && (m === null || d.p99 > m) ? d.p99 : m),
    null,
  )
  return {
    startups: summary.startups,
    total: summary.total,
    coldShare: summary.startups ? cold / summary.startups : null,
    worstSloP99,
    sloMissed: worstSloP99 !== null && worstSloP99 > SLO_TARGET_MS / 1000,
    pulls: pullSteps.reduce((n, p) => n + p.pulls, 0),
    failedPulls: pullSteps.reduce((n, p) => n + p.failed, 0),
  }
}
