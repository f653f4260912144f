// phaseBreakdown: per group, how many startups and the p50/p90/p99 of total and of every phase.
import { z } from 'zod'
import { PHASE_NAMES, type PhaseName } from '../record/types.ts'
import { PHASE_COLUMN } from '../rows/startup-rows.ts'
import type { Querier } from '../store/querier.ts'
import { OUTCOMES, startupFilters, startupWhere, timeWindow } from './filters.ts'
import { nearestRankSql } from './slo.ts'

export const GROUP_KEYS = ['cluster', 'namespace', 'workload', 'node', 'image'] as const
export type GroupKey = (typeof GROUP_KEYS)[number]

/** SQL of each group key: the only identifiers that reach the GROUP BY. */
const GROUP_SQL: Record<GroupKey, string[]> = {
  cluster: ['cluster AS g_cluster'],
  namespace: ['namespace AS g_namespace'],
  workload: ['workload_kind AS g_workload_kind', 'workload_name AS g_workload'],
  node: ["ifNull(node, '') AS g_node"],
  // A startup counts once in each of its images' groups.
  image: ['arrayJoin(images) AS g_image'],
}

export const phaseBreakdownParams = timeWindow.extend({
  groupBy: z.array(z.enum(GROUP_KEYS)).default([]),
  filters: startupFilters.default({}),
  outcome: z.enum(OUTCOMES).optional(),
})
export type PhaseBreakdownParams = z.input<typeof phaseBreakdownParams>

export interface Percentiles {
  /** Startups with a value (nulls excluded). */
  count: number
  p50: number | null
  p90: number | null
  p99: number | null
}

export interface PhaseBreakdownRow {
  group: {
    cluster?: string
    namespace?: string
    workloadKind?: string
    workload?: string
    node?: string
    image?: string
  }
  startups: number
  total: Percentiles
  phases: Record<PhaseName, Percentiles>
}

const METRICS: { key: 'total' | PhaseName; column: string }[] = [
  { key: 'total', column: 'total_ms' },
  ...PHASE_NAMES.map((p) => ({ key: p, column: PHASE_COLUMN[p] })),
]

const quantilesOut = z.array(z.union([z.number(), z.string()]).transform(Number))
const rowSchema = z.looseObject({ startups: z.coerce.number() })

function percentiles(count: unknown, qs: unknown): Percentiles {
  const n = Number(count)
  const q = quantilesOut.parse(qs)
  // No values yield zeros; with a count of 0 there is no percentile.
  const at = (i: number) => (n > 0 ? (q[i] ?? null) : null)
  return { count: n, p50: at(0), p90: at(1), p99: at(2) }
}

/** Nearest rank (docs/slo.md): the value of rank ceil(level * n) of the sorted non-null values (no interpolation). */
export const phaseBreakdown =
  (q: Querier) =>
  async (input: PhaseBreakdownParams): Promise<PhaseBreakdownRow[]> => {
    const p = phaseBreakdownParams.parse(input)
    const groupBy = [...new Set(p.groupBy)]
    const groupCols = groupBy.flatMap((g) => GROUP_SQL[g])
    const groupAliases = groupCols.map((c) => c.split(' AS ')[1] as string)
    const { where, params } = startupWhere(p, p.filters, p.outcome)
    const metricCols = METRICS.flatMap(({ key, column }) => [
      `count(${column}) AS n_${key}`,
      `[${[0.5, 0.9, 0.99].map((l) => `ifNull(${nearestRankSql(`groupArray(${column})`, l)}, 0)`).join(', ')}] AS q_${key}`,
    ])
    const sql = [
      `SELECT ${[...groupCols, 'count() AS startups', ...metricCols].join(', ')}`,
      'FROM pod_startups FINAL',
      `WHERE ${where}`,
      groupAliases.length ? `GROUP BY ${groupAliases.join(', ')}` : '',
      groupAliases.length ? `ORDER BY startups DESC, ${groupAliases.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('\n')
    const rows = await q.query('phaseBreakdown', sql, params, rowSchema)
    // A query without GROUP BY always answers one row, even over no startups.
    return rows
      .filter((r) => groupAliases.length > 0 || r.startups > 0)
      .map((r) => {
        const raw = r as Record<string, unknown>
        const group: PhaseBreakdownRow['group'] = {}
        if ('g_cluster' in raw) group.cluster = String(raw.g_cluster)
        if ('g_namespace' in raw) group.namespace = String(raw.g_namespace)
        if ('g_workload' in raw) {
          group.workloadKind = String(raw.g_workload_kind)
          group.workload = String(raw.g_workload)
        }
        if ('g_node' in raw) group.node = String(raw.g_node)
        if ('g_image' in raw) group.image = String(raw.g_image)
        const phases = {} as Record<PhaseName, Percentiles>
        for (const ph of PHASE_NAMES) phases[ph] = percentiles(raw[`n_${ph}`], raw[`q_${ph}`])
        return { group, startups: r.startups, total: percentiles(raw.n_total, raw.q_total), phases }
      })
  }
