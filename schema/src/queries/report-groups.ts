// The weekly report's per-group figures of one window, computed in the store: counts, exact p50/p90/p99 of the
// total and each phase, cold share, pulls and failures per cluster, namespace, workload, image repository and
// node; and, for the rank tests, a uniform random sample of at most `sampleSize` values per group and metric.
import { z } from 'zod'
import type { Dimension, GroupKey, GroupSide, MetricSamples, Percentiles, ReportPhase } from '../report/types.ts'
import { REPORT_PHASES } from '../report/types.ts'
import type { Querier } from '../store/querier.ts'
import { startupWhere, timeWindow } from './filters.ts'

export const reportGroupParams = timeWindow.extend({
  cluster: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
  /** Values per group, window and metric fetched for the rank test; groups with fewer keep all of theirs. */
  sampleSize: z.number().int().min(20).max(100_000).default(1000),
})
export type ReportGroupParams = z.input<typeof reportGroupParams>

/** Figures of one group in one window; `dimension` 'all' is the whole scope. */
export interface WindowGroup {
  dimension: Dimension | 'all'
  key: GroupKey
  side: GroupSide
  samples: MetricSamples
}

/** Image repository of a reference (tag and digest dropped), as `imageRepository` in report/groups.ts. */
export const REPOSITORY_SQL = (ref: string) => `replaceRegexpOne(splitByChar('@', ${ref})[1], ':[^:/]*$', '')`
/** Tag of a reference, '@' and the digest's first 18 characters without one, else 'latest' (as `imageTag`). */
export const TAG_SQL = (ref: string) => `multiIf(
    extract(splitByChar('@', ${ref})[1], ':([^:/]*)$') != '', extract(splitByChar('@', ${ref})[1], ':([^:/]*)$'),
    position(${ref}, '@') > 0, concat('@', substring(splitByChar('@', ${ref})[2], 1, 19)), 'latest')`

const PHASE_COLUMN: Record<ReportPhase, string> = {
  scheduling: 'scheduling_ms',
  sandbox: 'sandbox_ms',
  init: 'init_ms',
  pullWait: 'pull_wait_ms',
  pull: 'pull_ms',
  start: 'start_ms',
  ready: 'ready_ms',
}

const NODE_POOLS = '(SELECT cluster, node, pool FROM nodes FINAL) AS n'

const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform(Number)
const quantiles = z.array(num)
const sample = z.array(num)

export function reportScope(p: { from: string; to: string; cluster?: string; namespace?: string }) {
  return startupWhere(p, {
    ...(p.cluster ? { cluster: p.cluster } : {}),
    ...(p.namespace ? { namespace: p.namespace } : {}),
  })
}

/** Each row once per group it belongs to: (dimension, cluster, first key part, second key part). */
const GROUPS_OF_STARTUP = `arrayConcat(
    [('all', '', '', ''), ('cluster', cluster, '', ''), ('namespace', cluster, namespace, ''),
     ('workload', cluster, namespace, workload_name)],
    if(node != '', [('node', cluster, node, '')], []),
    arrayMap(r -> ('image', cluster, r, ''), arrayDistinct(arrayMap(i -> ${REPOSITORY_SQL('i')}, images))))`
const GROUPS_OF_PULL = `[('all', '', '', ''), ('cluster', cluster, '', ''), ('namespace', cluster, namespace, ''),
    ('workload', cluster, namespace, workload_name), ('image', cluster, ${REPOSITORY_SQL('image')}, ''),
    ('node', cluster, node, '')]`

const percentileColumns = (name: string, expr: string, cond?: string) =>
  cond
    ? `countIf(${expr} IS NOT NULL AND ${cond}) AS ${name}_n, quantilesExactIf(0.5, 0.9, 0.99)(${expr}, ${cond}) AS ${name}_q`
    : `count(${expr}) AS ${name}_n, quantilesExact(0.5, 0.9, 0.99)(${expr}) AS ${name}_q`

/** At most {sampleSize} values, the ones whose row hash is smallest: a uniform random, reproducible sample. */
const sampleColumn = (name: string, expr: string, hash: string, cond: string) =>
  `arrayMap(x -> x.2, groupArraySortedIf({sampleSize:UInt32})((${hash}, assumeNotNull(${expr})), ${cond})) AS ${name}_sample`

const startupSql = (where: string) => `SELECT tupleElement(g, 1) AS dimension, tupleElement(g, 2) AS cluster, tupleElement(g, 3) AS k1,
    tupleElement(g, 4) AS k2,
    any(workload_kind) AS workload_kind, any(pool) AS pool,
    count() AS startups, countIf(outcome = 'ready') AS ready, countIf(outcome = 'failed') AS failed,
    countIf(cold IS NOT NULL) AS cold_known, countIf(cold = true) AS cold_count,
    ${percentileColumns('total', 'total_ms')},
    ${percentileColumns('cold_total', 'total_ms', 'cold = true')},
    [${REPORT_PHASES.map((ph) => `count(${PHASE_COLUMN[ph]})`).join(', ')}] AS phase_n,
    [${REPORT_PHASES.map((ph) => `quantilesExact(0.5, 0.9, 0.99)(${PHASE_COLUMN[ph]})`).join(', ')}] AS phase_q,
    ${sampleColumn('total', 'total_ms', 'cityHash64(uid)', 'total_ms IS NOT NULL')},
    ${sampleColumn('cold_total', 'total_ms', 'cityHash64(uid)', 'total_ms IS NOT NULL AND cold = true')}
  FROM (
    SELECT s.*, ifNull(n.pool, '') AS pool, arrayJoin(${GROUPS_OF_STARTUP}) AS g FROM (
      SELECT cluster, namespace, uid, workload_kind, workload_name, ifNull(node, '') AS node, outcome, total_ms,
        ${REPORT_PHASES.map((ph) => PHASE_COLUMN[ph]).join(', ')}, cold, images
      FROM pod_startups FINAL WHERE ${where}) AS s
    LEFT JOIN ${NODE_POOLS} ON n.cluster = s.cluster AND n.node = s.node)
  GROUP BY g`

const COLD_PULL = "(NOT cached AND outcome = 'ok' AND pull_ms IS NOT NULL)"

// Pulls of the window's startups, of each startup's latest version only (a pull dropped by a later write of the
// same record stays out); the version is matched on a 64-bit hash of the uid, so the set stays small at scale.
const pullSql = (where: string) => `SELECT tupleElement(g, 1) AS dimension, tupleElement(g, 2) AS cluster, tupleElement(g, 3) AS k1,
    tupleElement(g, 4) AS k2,
    any(pool) AS pool, count() AS pulls, countIf(${COLD_PULL}) AS cold_pulls, countIf(outcome != 'ok') AS failed_pulls,
    ${percentileColumns('cold_pull', 'pull_ms', COLD_PULL)},
    quantileExactIf(0.5)(size_bytes, ${COLD_PULL} AND size_bytes > 0) AS median_size,
    countIf(${COLD_PULL} AND size_bytes > 0) AS sized_pulls,
    arraySlice(arraySort(groupUniqArray(concat(splitByChar('/', ${REPOSITORY_SQL('image')})[-1], ':', ${TAG_SQL('image')}))), 1, 10) AS tags,
    ${sampleColumn('cold_pull', 'pull_ms', 'cityHash64(uid, pull_index)', COLD_PULL)}
  FROM (
    SELECT p.*, ifNull(n.pool, '') AS pool,
      arrayJoin(arrayFilter(x -> x.1 != 'node' OR x.3 != '', ${GROUPS_OF_PULL})) AS g FROM (
      SELECT cluster, namespace, uid, pull_index, workload_name, ifNull(node, '') AS node, image, cached, outcome,
        pull_ms, size_bytes
      FROM image_pulls FINAL
      WHERE ${where.replace(/created_at/g, 'pod_created_at')}
        AND (cityHash64(cluster, uid), version) IN (
          SELECT cityHash64(cluster, uid), version FROM pod_startups FINAL WHERE ${where})) AS p
    LEFT JOIN ${NODE_POOLS} ON n.cluster = p.cluster AND n.node = p.node)
  GROUP BY g`

const keyCols = { dimension: z.string(), cluster: z.string(), k1: z.string(), k2: z.string() }

const startupRow = z.object({
  ...keyCols,
  workload_kind: z.string(),
  pool: z.string(),
  startups: num,
  ready: num,
  failed: num,
  cold_known: num,
  cold_count: num,
  total_n: num,
  total_q: quantiles,
  cold_total_n: num,
  cold_total_q: quantiles,
  /** Per phase in REPORT_PHASES order. */
  phase_n: z.array(num),
  phase_q: z.array(quantiles),
  total_sample: sample,
  cold_total_sample: sample,
})

const pullRow = z.object({
  ...keyCols,
  pool: z.string(),
  pulls: num,
  cold_pulls: num,
  failed_pulls: num,
  cold_pull_n: num,
  cold_pull_q: quantiles,
  median_size: num,
  sized_pulls: num,
  tags: z.array(z.string()),
  cold_pull_sample: sample,
})

function percentilesOf(n: number, q: readonly number[]): Percentiles {
  return n > 0
    ? { n, p50: q[0] ?? null, p90: q[1] ?? null, p99: q[2] ?? null }
    : { n: 0, p50: null, p90: null, p99: null }
}

const EMPTY_PERCENTILES: Percentiles = { n: 0, p50: null, p90: null, p99: null }

export function emptySide(): GroupSide {
  return {
    startups: 0,
    ready: 0,
    failed: 0,
    coldShare: null,
    total: EMPTY_PERCENTILES,
    coldTotal: EMPTY_PERCENTILES,
    phases: Object.fromEntries(REPORT_PHASES.map((ph) => [ph, EMPTY_PERCENTILES])) as GroupSide['phases'],
    pulls: {
      count: 0,
      cold: 0,
      failed: 0,
      failureRate: null,
      coldPull: EMPTY_PERCENTILES,
      medianSizeBytes: null,
      tags: [],
    },
  }
}

function keyOf(dimension: string, r: { cluster: string; k1: string; k2: string }): GroupKey {
  switch (dimension) {
    case 'cluster':
      return { cluster: r.cluster }
    case 'namespace':
      return { cluster: r.cluster, namespace: r.k1 }
    case 'workload':
      return { cluster: r.cluster, namespace: r.k1, workload: r.k2 }
    case 'image':
      return { cluster: r.cluster, image: r.k1 }
    case 'node':
      return { cluster: r.cluster, node: r.k1 }
    default:
      return { cluster: r.cluster }
  }
}

const sortedSample = (xs: readonly number[]) => Array.from(Float64Array.from(xs).sort())

/** Every group of the window with its figures and samples (groups with startups or pulls). */
export const reportWindowGroups =
  (q: Querier) =>
  async (input: ReportGroupParams): Promise<WindowGroup[]> => {
    const p = reportGroupParams.parse(input)
    const { where, params } = reportScope(p)
    const all = { ...params, sampleSize: p.sampleSize }
    const startups = await q.query('reportStartupGroups', startupSql(where), all, startupRow)
    const pulls = await q.query('reportPullGroups', pullSql(where), all, pullRow)
    const out = new Map<string, WindowGroup>()
    const slot = (r: { dimension: string; cluster: string; k1: string; k2: string }) => {
      const id = `${r.dimension}\u0000${r.cluster}\u0000${r.k1}\u0000${r.k2}`
      let g = out.get(id)
      if (!g) {
        g = {
          dimension: r.dimension as WindowGroup['dimension'],
          key: keyOf(r.dimension, r),
          side: emptySide(),
          samples: { total: [], coldTotal: [], pull: [] },
        }
        out.set(id, g)
      }
      return g
    }
    for (const r of startups) {
      const g = slot(r)
      if (r.dimension === 'workload') g.key.workloadKind = r.workload_kind
      if (r.dimension === 'node') g.key.pool = r.pool
      const s = g.side
      s.startups = r.startups
      s.ready = r.ready
      s.failed = r.failed
      s.coldShare = r.cold_known > 0 ? r.cold_count / r.cold_known : null
      s.total = percentilesOf(r.total_n, r.total_q)
      s.coldTotal = percentilesOf(r.cold_total_n, r.cold_total_q)
      REPORT_PHASES.forEach((ph, i) => {
        s.phases[ph] = percentilesOf(r.phase_n[i] ?? 0, r.phase_q[i] ?? [])
      })
      g.samples.total = sortedSample(r.total_sample)
      g.samples.coldTotal = sortedSample(r.cold_total_sample)
    }
    for (const r of pulls) {
      const g = slot(r)
      if (r.dimension === 'node' && g.key.pool === undefined) g.key.pool = r.pool
      g.side.pulls = {
        count: r.pulls,
        cold: r.cold_pulls,
        failed: r.failed_pulls,
        failureRate: r.pulls > 0 ? r.failed_pulls / r.pulls : null,
        coldPull: percentilesOf(r.cold_pull_n, r.cold_pull_q),
        medianSizeBytes: r.sized_pulls > 0 ? r.median_size : null,
        tags: r.tags,
      }
      g.samples.pull = sortedSample(r.cold_pull_sample)
    }
    return [...out.values()]
  }
