// startupAggregates: counts, p50/p90/p99 of total, SLO cut and every phase, and the means of complete startups
// (the stacked breakdown), grouped by time step and/or dimensions; read from rollups plus the raw tail.
import { z } from 'zod'
import { PHASE_NAMES, type PhaseName } from '../../record/types.ts'
import {
  mergeMeasure,
  PHASE_STEM,
  ROLLUP_MEASURES,
  type RollupDimension,
} from '../../rows/startup-rollups.ts'
import type { Querier } from '../../store/querier.ts'
import { startupFilters, timeWindow, WORKLOAD_GROUP_SQL } from '../filters.ts'
import type { Percentiles } from '../phase-breakdown.ts'
import { startupSource } from './rollup-source.ts'

export const AGGREGATE_KEYS = [
  'time',
  'day',
  'cluster',
  'namespace',
  'workload',
  'node',
  'outcome',
  'startKind',
] as const
export type AggregateKey = (typeof AGGREGATE_KEYS)[number]

/** SQL of each grouping key over rollup-shaped rows: the only identifiers that reach GROUP BY. */
const KEY_SQL: Record<AggregateKey, [expr: string, alias: string][]> = {
  time: [["formatDateTime(toStartOfInterval(bucket, toIntervalSecond({step:UInt32})), '%FT%TZ')", 'g_at']],
  day: [["formatDateTime(toStartOfDay(bucket), '%F')", 'g_day']],
  cluster: [['cluster', 'g_cluster']],
  namespace: [['namespace', 'g_namespace']],
  // Ad hoc Jobs of one generateName stem are one workload (`cleanup-*`), as CronJob children are one CronJob.
  workload: [
    ['workload_kind', 'g_workload_kind'],
    [WORKLOAD_GROUP_SQL, 'g_workload'],
  ],
  node: [['node', 'g_node']],
  outcome: [['outcome', 'g_outcome']],
  startKind: [['start_kind', 'g_start_kind']],
}

/** Rollup dimensions each grouping key needs (time, day, outcome and cold/warm are in every grain). */
const KEY_DIMENSION: Partial<Record<AggregateKey, RollupDimension>> = {
  cluster: 'cluster',
  namespace: 'namespace',
  workload: 'workload',
  node: 'node',
}

export const startupAggregatesParams = timeWindow.extend({
  groupBy: z.array(z.enum(AGGREGATE_KEYS)).default([]),
  /** Width of a `time` group in seconds; a multiple of an hour (the rollup's grain). */
  stepSeconds: z
    .number()
    .int()
    .min(3600)
    .refine((s) => s % 3600 === 0, 'stepSeconds must be a whole number of hours')
    .default(3600),
  filters: startupFilters.default({}),
  /** 'raw' bypasses the rollup (same numbers, slower): for checks. */
  source: z.enum(['auto', 'raw']).default('auto'),
  /**
   * 'full': every phase's percentiles too. 'summary': counts, total and SLO percentiles, and the phase means
   * (what charts and group tables show); much cheaper over many rows. 'counts': no percentiles at all.
   */
  detail: z.enum(['full', 'summary', 'counts']).default('summary'),
  /** Largest groups first, at most this many (ignored when grouping by time or day, which sort by time). */
  limit: z.number().int().min(1).max(10_000).default(1_000),
})
export type StartupAggregatesParams = z.input<typeof startupAggregatesParams>

export interface StartupAggregate {
  group: {
    at?: string
    day?: string
    cluster?: string
    namespace?: string
    workloadKind?: string
    workload?: string
    node?: string
    outcome?: string
    startKind?: 'cold' | 'warm' | 'unknown'
  }
  startups: number
  total: Percentiles
  /** Kubernetes' SLO cut (created -> all started, excluding pulls and init), with how many exceeded 5 s. */
  slo: Percentiles & { over5s: number }
  /** Percentiles of each phase (null percentiles unless `detail: 'full'`; counts always). */
  phases: Record<PhaseName, Percentiles>
  /** Startups whose total and additive phases are all known: their phase means add up to their mean total. */
  complete: {
    count: number
    /** Of those, how many have pull split into download + decompress (or pulled nothing). */
    splitCount: number
    meanTotalMs: number | null
    meanMs: Record<PhaseName, number | null>
  }
}

// Measures are parsed by hand, not through a schema per field: a filter-options read is 2,000 rows of ~30
// measures, and a zod parse per field cost more than the rest of the client side together.
function num(v: unknown, name: string): number {
  if (typeof v === 'number') return v
  if (typeof v === 'string') return Number(v)
  throw new Error(`startupAggregates: ${name} is not a number: ${JSON.stringify(v)}`)
}
// Quantiles over no values come back as nulls; the count decides there is no percentile.
function quantiles(v: unknown, name: string): number[] {
  if (v === null) return []
  if (!Array.isArray(v)) throw new Error(`startupAggregates: ${name} is not an array: ${JSON.stringify(v)}`)
  return v.map((x) => (x === null ? Number.NaN : num(x, name)))
}
const row = z.looseObject({})

function percentiles(n: number, q: number[]): Percentiles {
  const at = (i: number) => {
    const v = q[i]
    return n > 0 && v !== undefined && !Number.isNaN(v) ? v : null
  }
  return { count: n, p50: at(0), p90: at(1), p99: at(2) }
}

export const startupAggregates =
  (q: Querier) =>
  async (input: StartupAggregatesParams): Promise<StartupAggregate[]> => {
    const p = startupAggregatesParams.parse(input)
    const keys = [...new Set(p.groupBy)]
    const groupCols = keys.flatMap((k) => KEY_SQL[k])
    const aliases = groupCols.map(([, a]) => a)
    const names = ROLLUP_MEASURES.map(([n]) => n).filter(
      (n) =>
        !n.endsWith('_q') ||
        p.detail === 'full' ||
        (p.detail === 'summary' && (n === 'total_q' || n === 'slo_q')),
    )
    const dimensions = keys.flatMap((k) => KEY_DIMENSION[k] ?? [])
    // Day rows serve a question that groups by nothing finer than a day (a time step of whole days).
    const days = !keys.includes('time') || p.stepSeconds % 86_400 === 0
    const src = await startupSource(q, p, p.filters, p.source, names, dimensions, { days })
    const measures = names.map((n) => `${mergeMeasure(n)} AS m_${n}`)
    const byTime = keys.includes('time') || keys.includes('day')
    const order = byTime ? aliases.join(', ') : ['m_startups DESC', ...aliases].join(', ')
    // Largest groups with percentiles: choose them on counts first, then merge quantile states of those only
    // (the costly part; a workloads table over a week would otherwise merge every workload's states).
    const topOnly =
      aliases.length > 0 && !byTime && p.detail !== 'counts'
        ? `WHERE (${groupCols.map(([e]) => e).join(', ')}) IN (SELECT ${groupCols.map(([e]) => e).join(', ')} FROM ${src.from} GROUP BY ${groupCols.map(([e]) => e).join(', ')} ORDER BY sum(startups) DESC, ${groupCols.map(([e]) => e).join(', ')} LIMIT {limit:UInt32})`
        : ''
    const sql = [
      `SELECT ${[...groupCols.map(([e, a]) => `${e} AS ${a}`), ...measures].join(', ')}`,
      `FROM ${src.from}`,
      topOnly,
      aliases.length ? `GROUP BY ${aliases.join(', ')}` : '',
      aliases.length ? `ORDER BY ${order}` : '',
      aliases.length && !byTime ? 'LIMIT {limit:UInt32}' : '',
    ]
      .filter(Boolean)
      .join('\n')
    const rows = await q.query(
      'startupAggregates',
      sql,
      { ...src.params, step: p.stepSeconds, limit: p.limit },
      row,
    )
    return rows
      .map((raw) => toAggregate(raw as Record<string, unknown>))
      .filter((a) => aliases.length > 0 || a.startups > 0)
  }

function toAggregate(raw: Record<string, unknown>): StartupAggregate {
  const n = (k: string) => num(raw[`m_${k}`] ?? 0, k)
  const qs = (k: string) => quantiles(raw[`m_${k}`] ?? [], k)
  const group: StartupAggregate['group'] = {}
  if ('g_at' in raw) group.at = String(raw.g_at)
  if ('g_day' in raw) group.day = String(raw.g_day)
  if ('g_cluster' in raw) group.cluster = String(raw.g_cluster)
  if ('g_namespace' in raw) group.namespace = String(raw.g_namespace)
  if ('g_workload' in raw) {
    group.workloadKind = String(raw.g_workload_kind)
    group.workload = String(raw.g_workload)
  }
  if ('g_node' in raw) group.node = String(raw.g_node)
  if ('g_outcome' in raw) group.outcome = String(raw.g_outcome)
  if ('g_start_kind' in raw) group.startKind = String(raw.g_start_kind) as 'cold' | 'warm' | 'unknown'
  const complete = n('complete_n')
  const mean = (sum: number) => (complete > 0 ? sum / complete : null)
  const phases = {} as Record<PhaseName, Percentiles>
  const meanMs = {} as Record<PhaseName, number | null>
  for (const ph of PHASE_NAMES) {
    const stem = PHASE_STEM[ph]
    phases[ph] = percentiles(n(`${stem}_n`), qs(`${stem}_q`))
    meanMs[ph] = mean(n(`complete_${stem}_sum`))
  }
  return {
    group,
    startups: n('startups'),
    total: percentiles(n('total_n'), qs('total_q')),
    slo: { ...percentiles(n('slo_n'), qs('slo_q')), over5s: n('slo_over_5s') },
    phases,
    complete: {
      count: complete,
      splitCount: n('complete_split_n'),
      meanTotalMs: mean(n('complete_total_sum')),
      meanMs,
    },
  }
}
