// The official pod startup SLI (sig-scalability slos/pod_startup_latency.md) per cluster-day, with the pods it
// left out and why, read from the SLO cut columns of pod_startups (migration 0009; docs/slo.md).
import { z } from 'zod'
import { chTimeOut } from '../rows/codec.ts'
import { SLI_INCLUDED, SLI_UNRECORDED } from '../rows/pod-startups.ts'
import type { Querier } from '../store/querier.ts'
import { startupFilters, startupWhere, timeWindow } from './filters.ts'
import { PERCENTILE_METHODS } from './percentiles.ts'
import type { PeerPod } from './slo-peers.ts'

/** The one percentile method of the product: the value of rank ceil(p * n) of the n sorted values. */
export const PERCENTILE_METHOD = PERCENTILE_METHODS.nearestRank

/** The SLI's threshold: p99 per cluster-day at most 5 s. */
export const SLI_THRESHOLD_MS = 5000

/** Why a pod is outside the SLI's population, as stored in sli_excluded. */
export const SLI_EXCLUSIONS = [
  'stateful',
  'unschedulable',
  'not-started',
  'unobserved',
  'unknown-pulls',
] as const
export type SliExclusionReason = (typeof SLI_EXCLUSIONS)[number]

/** A level as millionths, so the rank is integer arithmetic (0.07 * 100 is 7.000000000000001 in floating point). */
function micros(level: number): number {
  if (!(level > 0 && level <= 1)) throw new Error(`percentile level must be in (0, 1], got ${level}`)
  return Math.round(level * 1e6)
}

/** The nearest-rank percentile of sorted values (null for none); nearestRankSql is the same rule in SQL. */
export function nearestRank(sorted: readonly number[], level: number): number | null {
  const m = micros(level)
  const n = sorted.length
  if (n === 0) return null
  const rank = Math.max(1, Math.ceil((m * n) / 1e6))
  return sorted[Math.min(n, rank) - 1] as number
}

/**
 * SQL of the nearest-rank percentile over an array expression of values (NULL for an empty array). The level is
 * a constant of the code, written as an integer literal; values stay in the query.
 */
export function nearestRankSql(valuesExpr: string, level: number): string {
  const m = micros(level)
  return `if(length(${valuesExpr}) = 0, NULL, arrayElement(arraySort(${valuesExpr}), toUInt64(intDiv(length(${valuesExpr}) * ${m} + 999999, 1000000))))`
}

export const sliPerClusterDayParams = timeWindow.extend({
  cluster: startupFilters.shape.cluster.optional(),
  /** A dashboard scope (namespace, workload, node, image); cluster above wins over filters.cluster. */
  filters: startupFilters.optional(),
})

const count = z.union([z.number(), z.string()]).transform(Number)
const sliRow = z.object({
  cluster: z.string(),
  day: z.string(),
  startups: count,
  included: count,
  p50_ms: count.nullable(),
  p90_ms: count.nullable(),
  p99_ms: count.nullable(),
  max_ms: count.nullable(),
  over_threshold: count,
  excluded: z.record(z.string(), count),
  unrecorded: count,
  first_created_at: chTimeOut,
  last_created_at: chTimeOut,
})

export interface SliClusterDay {
  cluster: string
  /** UTC day of created_at, YYYY-MM-DD. */
  day: string
  startups: number
  /** Pods in the SLI population (stateless, schedulable, every container started and observed via watch). */
  included: number
  p50Ms: number | null
  p90Ms: number | null
  /** The SLI: p99 of the included pods' durations (nearest rank). */
  p99Ms: number | null
  maxMs: number | null
  /** Included pods above 5 s. */
  overThreshold: number
  /** p99 <= 5 s; null with no included pod. */
  withinSlo: boolean | null
  /** Excluded pods by reason (every reason present, 0 when none). */
  excluded: Record<SliExclusionReason, number>
  /** Rows written before migration 0009 (no SLI cut stored). */
  unrecorded: number
  percentileMethod: typeof PERCENTILE_METHOD
}

const INCLUDED = `sli_excluded = {included:String} AND sli_ms IS NOT NULL`

/** The SLI per cluster and UTC day of creation, exact (nearest-rank percentiles over the raw rows). */
export const sliPerClusterDay =
  (q: Querier) =>
  async (input: z.input<typeof sliPerClusterDayParams>): Promise<SliClusterDay[]> => {
    const p = sliPerClusterDayParams.parse(input)
    const { where, params } = startupWhere(p, { ...p.filters, cluster: p.cluster ?? p.filters?.cluster })
    const v = 'sli_values'
    const rows = await q.query(
      'sliPerClusterDay',
      `SELECT cluster, day, startups, included,
         ${nearestRankSql(v, 0.5)} AS p50_ms,
         ${nearestRankSql(v, 0.9)} AS p90_ms,
         ${nearestRankSql(v, 0.99)} AS p99_ms,
         if(length(${v}) = 0, NULL, arrayMax(${v})) AS max_ms,
         over_threshold, excluded, unrecorded, first_created_at, last_created_at
       FROM (
         SELECT cluster, toString(toDate(created_at)) AS day, count() AS startups,
           countIf(${INCLUDED}) AS included,
           groupArrayIf(assumeNotNull(sli_ms), ${INCLUDED}) AS ${v},
           countIf(${INCLUDED} AND sli_ms > {threshold:UInt32}) AS over_threshold,
           sumMapIf(map(toString(sli_excluded), toUInt64(1)),
             sli_excluded NOT IN ({included:String}, {unrecorded:String})) AS excluded,
           countIf(sli_excluded = {unrecorded:String}) AS unrecorded,
           min(created_at) AS first_created_at, max(created_at) AS last_created_at
         FROM pod_startups FINAL
         WHERE ${where}
         GROUP BY cluster, day
       )
       ORDER BY cluster, day`,
      { ...params, included: SLI_INCLUDED, unrecorded: SLI_UNRECORDED, threshold: SLI_THRESHOLD_MS },
      sliRow,
    )
    return rows.map((r) => {
      const excluded = Object.fromEntries(SLI_EXCLUSIONS.map((e) => [e, r.excluded[e] ?? 0])) as Record<
        SliExclusionReason,
        number
      >
      return {
        cluster: r.cluster,
        day: r.day,
        startups: r.startups,
        included: r.included,
        p50Ms: r.p50_ms,
        p90Ms: r.p90_ms,
        p99Ms: r.p99_ms,
        maxMs: r.max_ms,
        overThreshold: r.over_threshold,
        withinSlo: r.p99_ms === null ? null : r.p99_ms <= SLI_THRESHOLD_MS,
        excluded,
        unrecorded: r.unrecorded,
        percentileMethod: PERCENTILE_METHOD,
      }
    })
  }

export const sloPeerPodsParams = sliPerClusterDayParams

const time = chTimeOut.nullable()
const peerRow = z.object({
  created_at: chTimeOut,
  boundary_scheduled_at: time,
  boundary_scheduled_source: z.string(),
  boundary_containers_started_at: time,
  boundary_containers_started_source: z.string(),
  observed_scheduled_at: time,
  observed_running_at: time,
  observed_ready_at: time,
  condition_pod_scheduled_at: time,
  condition_ready_to_start_at: time,
  condition_initialized_at: time,
  condition_containers_ready_at: time,
  condition_ready_at: time,
  sli_excluded: z.string(),
})

const msOf = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso))

/** Per startup in the window, what the peers' views are computed from (slo-peers.ts). */
export const sloPeerPods =
  (q: Querier) =>
  async (input: z.input<typeof sloPeerPodsParams>): Promise<PeerPod[]> => {
    const p = sloPeerPodsParams.parse(input)
    const { where, params } = startupWhere(p, { cluster: p.cluster })
    const rows = await q.query(
      'sloPeerPods',
      `SELECT ${Object.keys(peerRow.shape).join(', ')}
       FROM pod_startups FINAL
       WHERE ${where}
       ORDER BY created_at`,
      params,
      peerRow,
    )
    return rows.map(
      (r): PeerPod => ({
        createdMs: Date.parse(r.created_at),
        scheduledMs: msOf(r.boundary_scheduled_at),
        scheduledSource: r.boundary_scheduled_source,
        containersStartedMs: msOf(r.boundary_containers_started_at),
        containersStartedSource: r.boundary_containers_started_source,
        observedScheduledMs: msOf(r.observed_scheduled_at),
        observedRunningMs: msOf(r.observed_running_at),
        observedReadyMs: msOf(r.observed_ready_at),
        conditions: {
          PodScheduled: msOf(r.condition_pod_scheduled_at),
          PodReadyToStartContainers: msOf(r.condition_ready_to_start_at),
          Initialized: msOf(r.condition_initialized_at),
          ContainersReady: msOf(r.condition_containers_ready_at),
          Ready: msOf(r.condition_ready_at),
        },
        stateless: r.sli_excluded === SLI_UNRECORDED ? null : r.sli_excluded !== 'stateful',
      }),
    )
  }

/**
 * SQL of kube-burner's percentile (montanaflynn/stats v0.7.1, slo-peers.ts kubeBurnerPercentile) over an array
 * expression: index = p/100 * n; a whole index takes that rank, else the mean of ranks trunc(index) and the next.
 */
export function kubeBurnerPercentileSql(valuesExpr: string, percent: number): string {
  if (!(percent > 0 && percent <= 100)) throw new Error(`percent must be in (0, 100], got ${percent}`)
  const sorted = `arraySort(${valuesExpr})`
  const n = `length(${valuesExpr})`
  const index = `(${percent} / 100 * ${n})`
  const i = `toUInt64(trunc(${index}))`
  return `multiIf(${n} = 0, NULL, ${n} = 1, toFloat64(${sorted}[1]), ${index} = trunc(${index}), toFloat64(${sorted}[${i}]), (${sorted}[${i}] + ${sorted}[${i} + 1]) / 2)`
}

export const peerSummaryParams = sliPerClusterDayParams

const peerSummaryRow = z.object({
  pods: count,
  cl2_receipt: z.array(count.nullable()),
  cl2_classic: z.array(count.nullable()),
  cl2_n: count,
  kb_n: count,
  kb_ready: z.array(z.number().nullable()),
  kb_started: z.array(z.number().nullable()),
})

export interface PeerSummary {
  pods: number
  /** clusterloader2 pod_startup Perc50/90/99 (ms, nearest rank), receipt and classic stamping; pods seen Running. */
  cl2: { pods: number; receipt: (number | null)[]; classic: (number | null)[] }
  /** kube-burner Ready and ContainersStarted P50/95/99 (ms, its percentile, int), pods that became Ready. */
  kubeBurner: { pods: number; ready: (number | null)[]; containersStarted: (number | null)[] }
}

/** The peers' headline figures in SQL (the same definitions as slo-peers.ts), for the dashboard. */
export const peerSummary =
  (q: Querier) =>
  async (input: z.input<typeof peerSummaryParams>): Promise<PeerSummary> => {
    const p = peerSummaryParams.parse(input)
    const { where, params } = startupWhere(p, { ...p.filters, cluster: p.cluster ?? p.filters?.cluster })
    const second = 'toStartOfSecond(created_at)'
    const lag = (to: string, from: string) => `greatest(toInt64(0), dateDiff('millisecond', ${from}, ${to}))`
    const nr = (v: string) => `[${[0.5, 0.9, 0.99].map((l) => nearestRankSql(v, l)).join(', ')}]`
    const kb = (v: string) =>
      `[${[50, 95, 99].map((pc) => `trunc(${kubeBurnerPercentileSql(v, pc)})`).join(', ')}]`
    const started = `if(boundary_containers_started_source = 'event-name' AND boundary_containers_started_at IS NOT NULL, ${lag('assumeNotNull(boundary_containers_started_at)', second)}, 0)`
    const rows = await q.query(
      'peerSummary',
      `SELECT pods, ${nr('receipt')} AS cl2_receipt, ${nr('classic')} AS cl2_classic, length(receipt) AS cl2_n,
         length(ready) AS kb_n, ${kb('ready')} AS kb_ready, ${kb('started')} AS kb_started
       FROM (
         SELECT count() AS pods,
           groupArrayIf(${lag('assumeNotNull(observed_running_at)', 'created_at')}, observed_running_at IS NOT NULL) AS receipt,
           groupArrayIf(${lag('assumeNotNull(observed_running_at)', second)}, observed_running_at IS NOT NULL) AS classic,
           groupArrayIf(${lag('assumeNotNull(condition_ready_at)', second)}, condition_ready_at IS NOT NULL) AS ready,
           groupArrayIf(${started}, condition_ready_at IS NOT NULL) AS started
         FROM pod_startups FINAL
         WHERE ${where}
       )`,
      params,
      peerSummaryRow,
    )
    const r = rows[0]
    if (!r)
      return {
        pods: 0,
        cl2: { pods: 0, receipt: [], classic: [] },
        kubeBurner: { pods: 0, ready: [], containersStarted: [] },
      }
    return {
      pods: r.pods,
      cl2: { pods: r.cl2_n, receipt: r.cl2_receipt, classic: r.cl2_classic },
      kubeBurner: { pods: r.kb_n, ready: r.kb_ready, containersStarted: r.kb_started },
    }
  }
