// Where a scope's seconds go: pod-seconds spent in each phase per group (workload, node...), from the means of
// complete startups times their count, largest total first. Pure, so the first screen's table is tested on
// hand-computed numbers.
import type { StartupAggregate } from '@podstart/schema/queries'
import { ADDITIVE_PHASES, type AdditivePhase } from '@podstart/schema/record'

export interface SecondsLostRow {
  group: StartupAggregate['group']
  /** Startups whose phases are all known (the ones counted here). */
  complete: number
  /** Pod-seconds from creation to Ready summed over those startups. */
  totalSeconds: number
  phaseSeconds: Record<AdditivePhase, number>
  /** The phase with most seconds. */
  top: AdditivePhase | null
}

export function secondsLost(rows: readonly StartupAggregate[], limit: number): SecondsLostRow[] {
  return rows
    .map((r) => {
      const n = r.complete.count
      const phaseSeconds = {} as Record<AdditivePhase, number>
      let top: AdditivePhase | null = null
      for (const ph of ADDITIVE_PHASES) {
        phaseSeconds[ph] = ((r.complete.meanMs[ph] ?? 0) * n) / 1000
        if (phaseSeconds[ph] > 0 && (top === null || phaseSeconds[ph] > phaseSeconds[top])) top = ph
      }
      return {
        group: r.group,
        complete: n,
        totalSeconds: ((r.complete.meanTotalMs ?? 0) * n) / 1000,
        phaseSeconds,
        top,
      }
    })
    .filter((r) => r.complete > 0)
    .sort((a, b) => b.totalSeconds - a.totalSeconds)
    .slice(0, limit)
}

/** Rows of a group table ordered by time lost (startups x mean total), the default order of every group table. */
export function byTimeLost(rows: readonly StartupAggregate[]): StartupAggregate[] {
  const lost = (r: StartupAggregate) => (r.complete.meanTotalMs ?? 0) * r.complete.count
  return [...rows].sort((a, b) => lost(b) - lost(a))
}
