// Advice signal for acute incidents: each workload's last hour against its own previous days, per phase. Both
// halves read the hourly rollup grains where they serve (startupSource), so a week of baseline costs one
// row per workload x hour, and the rules get one row per workload that started pods in the last hour.
import { z } from 'zod'
import { ADDITIVE_PHASES, type AdditivePhase } from '../record/types.ts'
import { PHASE_STEM } from '../rows/startup-rollups.ts'
import type { Querier } from '../store/querier.ts'
import { nearestRankLevel } from './advice-window.ts'
import { startupSource } from './dashboard/rollup-source.ts'

const HOUR_MS = 3_600_000
/** Median and p90 over the baseline's hours, at the nearest rank (the hourly sums are exact, so is the rank). */
const MEDIAN_P90 = `quantilesExact(${nearestRankLevel(0.5)}, ${nearestRankLevel(0.9)})`

export const acutePhasesParams = z.object({
  /** End of the evaluation window (ISO-8601 UTC): the acute window ends here. */
  to: z.string(),
  cluster: z.string(),
  namespace: z.string().optional(),
  /** Length of the acute window, minutes. */
  windowMinutes: z.number().int().min(1),
  /** Days before the acute window that form the baseline. */
  baselineDays: z.number().int().min(1),
})
export type AcutePhasesParams = z.input<typeof acutePhasesParams>

/** One phase of one workload: the acute window's figures and the baseline's hourly figures. */
export interface AcutePhaseStat {
  /** Sum of the phase over the acute window's complete startups (ms). */
  lastSumMs: number
  /** Median / p90 over the baseline's hours of the phase's mean per complete startup (ms). */
  basePerStartupP50Ms: number
  basePerStartupP90Ms: number
  /** Median / p90 over the baseline's hours of the phase's time summed per hour (ms, pod-ms lost per hour). */
  baseHourlyP50Ms: number
  baseHourlyP90Ms: number
}

export interface AcuteWorkloadRow {
  cluster: string
  namespace: string
  workload: { kind: string; name: string }
  /** The acute window, ms. */
  window: { fromMs: number; toMs: number }
  /** Startups created in the acute window, and those of them complete (Ready, every phase known). */
  lastStartups: number
  lastComplete: number
  /** Baseline hours with at least one complete startup (the hours the medians are taken over). */
  baselineHours: number
  /** Complete startups in the baseline. */
  baselineComplete: number
  phases: Record<AdditivePhase, AcutePhaseStat>
}

/** Rollup measure columns per phase (identifiers from the typed stem map only). */
const SUM = Object.fromEntries(ADDITIVE_PHASES.map((p) => [p, `complete_${PHASE_STEM[p]}_sum`])) as Record<
  AdditivePhase,
  string
>
const MEASURES = ['startups', 'complete_n', ...ADDITIVE_PHASES.map((p) => SUM[p])]
const KEY = 'cluster, namespace, workload_kind, workload_name'

const num = z.coerce.number()
const lastRow = z
  .object({
    cluster: z.string(),
    namespace: z.string(),
    workload_kind: z.string(),
    workload_name: z.string(),
    startups: num,
    complete_n: num,
  })
  .catchall(z.unknown())
const baseRow = z
  .object({
    cluster: z.string(),
    namespace: z.string(),
    workload_kind: z.string(),
    workload_name: z.string(),
    hours: num,
    complete_n: num,
  })
  .catchall(z.unknown())

const pair = (v: unknown): [number, number] => {
  const a = Array.isArray(v) ? v.map(Number) : []
  return [a[0] ?? 0, a[1] ?? 0]
}
const keyOf = (r: { cluster: string; namespace: string; workload_kind: string; workload_name: string }) =>
  JSON.stringify([r.cluster, r.namespace, r.workload_kind, r.workload_name])

/**
 * Per workload that created pods in the last `windowMinutes` before `to`: that window's phase sums over its
 * complete startups, and, over the `baselineDays` before it, the median and p90 of each hour's mean per
 * complete startup and of each hour's summed phase time. Bare pods (no owning workload) are left out.
 */
export const acutePhases =
  (q: Querier) =>
  async (input: AcutePhasesParams): Promise<AcuteWorkloadRow[]> => {
    const p = acutePhasesParams.parse(input)
    const toMs = Date.parse(p.to)
    const lastFromMs = toMs - p.windowMinutes * 60_000
    const baseFromMs = lastFromMs - p.baselineDays * 24 * HOUR_MS
    const iso = (ms: number) => new Date(ms).toISOString()
    const filters = { cluster: p.cluster, namespace: p.namespace || undefined }
    const dims = ['cluster', 'namespace', 'workload'] as const

    const last = await startupSource(q, { from: iso(lastFromMs), to: iso(toMs) }, filters, 'auto', MEASURES, [
      ...dims,
    ])
    const lastRows = await q.query(
      'advice.acuteLast',
      `SELECT ${KEY}, sum(startups) AS startups, sum(complete_n) AS complete_n,
         ${ADDITIVE_PHASES.map((ph) => `sum(${SUM[ph]}) AS ${SUM[ph]}`).join(', ')}
       FROM ${last.from}
       WHERE workload_name != ''
       GROUP BY ${KEY}`,
      last.params,
      lastRow,
    )
    if (lastRows.length === 0) return []

    const base = await startupSource(
      q,
      { from: iso(baseFromMs), to: iso(lastFromMs) },
      filters,
      'auto',
      MEASURES,
      [...dims],
    )
    const phaseAggs = ADDITIVE_PHASES.map(
      (ph) =>
        `${MEDIAN_P90}(h_${SUM[ph]} / hour_n) AS per_${SUM[ph]}, ${MEDIAN_P90}(h_${SUM[ph]}) AS hourly_${SUM[ph]}`,
    ).join(',\n         ')
    const baseRows = await q.query(
      'advice.acuteBaseline',
      `SELECT ${KEY}, count() AS hours, sum(hour_n) AS complete_n,
         ${phaseAggs}
       FROM (
         SELECT bucket, ${KEY}, sum(complete_n) AS hour_n,
           ${ADDITIVE_PHASES.map((ph) => `sum(${SUM[ph]}) AS h_${SUM[ph]}`).join(', ')}
         FROM ${base.from}
         WHERE workload_name != ''
         GROUP BY bucket, ${KEY}
       )
       WHERE hour_n > 0
       GROUP BY ${KEY}`,
      base.params,
      baseRow,
    )
    const byKey = new Map(baseRows.map((r) => [keyOf(r), r]))

    return lastRows.map((r) => {
      const b = byKey.get(keyOf(r))
      const phases = Object.fromEntries(
        ADDITIVE_PHASES.map((ph) => {
          const per = pair(b?.[`per_${SUM[ph]}`])
          const hourly = pair(b?.[`hourly_${SUM[ph]}`])
          const stat: AcutePhaseStat = {
            lastSumMs: Number(r[SUM[ph]] ?? 0),
            basePerStartupP50Ms: per[0],
            basePerStartupP90Ms: per[1],
            baseHourlyP50Ms: hourly[0],
            baseHourlyP90Ms: hourly[1],
          }
          return [ph, stat]
        }),
      ) as Record<AdditivePhase, AcutePhaseStat>
      return {
        cluster: r.cluster,
        namespace: r.namespace,
        workload: { kind: r.workload_kind, name: r.workload_name },
        window: { fromMs: lastFromMs, toMs },
        lastStartups: r.startups,
        lastComplete: r.complete_n,
        baselineHours: b?.hours ?? 0,
        baselineComplete: b?.complete_n ?? 0,
        phases,
      }
    })
  }
