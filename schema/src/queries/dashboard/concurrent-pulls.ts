// Concurrent pulls of the same image: the most distinct nodes that started pulling one image within one minute
// (registry pressure; the P2P advice's signal). Served hours come from pull_minute_grains (migration 0018), the
// rest of the window from image_pulls, with the same answer as the raw question.
//
// A minute's pulls can belong to startups of several hour buckets (a pod created at 10:59 pulls at 11:00), so
// an image's peak is not the largest of its buckets' peaks. Each bucket's 'image' row holds its peak and the
// span of minutes of its pulls: the image's peak is at least the largest of them and at most the largest sum of
// the peaks of rows whose spans overlap. Only images whose upper bound reaches the `limit`-th largest lower
// bound can be in the answer; their minute rows (ordered by image, so read by key) are merged exactly.
import { z } from 'zod'
import type { Querier } from '../../store/querier.ts'
import type { StartupFilters } from '../filters.ts'
import { servedWithAllRows } from '../grain-served.ts'
import { REBUILD_PULLS } from '../report-grains.ts'
import { type PullParams, pullParams, pullWhere } from './image-pulls.ts'
import { servedConditions } from './rollup-source.ts'

export interface ConcurrentPulls {
  image: string
  /** Most distinct nodes that started pulling the image within one minute. */
  peakNodes: number
  /** The first minute with that many nodes. */
  peakMinute: string
  /** Mean pull time of the pulls in that minute (null when none of them has a pull time). */
  peakMeanPullMs: number | null
  /** Pulls of the image in the window (fetched, not cached, with a start time). */
  pulls: number
}

/** Filters the grain answers (it keeps cluster and image); any other filter reads the raw rows. */
const GRAIN_FILTERS: Partial<Record<keyof StartupFilters, string>> = {
  cluster: 'cluster = {cluster:String}',
  image: 'image = {image:String}',
}

/** Pulls that count: fetched (not cached), with a start time. */
const COUNTED = 'NOT cached AND started_at IS NOT NULL'
/** The node as the grain's state keeps it (image_pulls.node is LowCardinality). */
const NODE = "CAST(node, 'Nullable(String)')"
const MINUTE = "toDateTime(toStartOfMinute(assumeNotNull(started_at)), 'UTC')"

/** Per image and minute over rows (image, minute, node, pull_ms): the nodes' state and the pull measures. */
const minuteRows = (
  from: string,
) => `SELECT image, minute, uniqExactState(${NODE}) AS nodes, count() AS pulls,
    count(pull_ms) AS pull_n, sum(ifNull(pull_ms, 0)) AS pull_sum FROM ${from} GROUP BY image, minute`

/**
 * The answer from per (image, minute) rows of `source` (image, minute, nodes state, pulls, pull_n, pull_sum):
 * ties of the peak go to the first minute.
 */
const answerSql = (source: string) => `SELECT image, max(n_nodes) AS peakNodes,
    formatDateTime(argMax(minute, (n_nodes, -toUnixTimestamp(minute))), '%FT%TZ') AS peakMinute,
    argMax(mean_pull, (n_nodes, -toUnixTimestamp(minute))) AS peakMeanPullMs, sum(n) AS pulls
  FROM (
    SELECT image, minute, uniqExactMerge(nodes) AS n_nodes,
      if(sum(pull_n) = 0, NULL, sum(pull_sum) / sum(pull_n)) AS mean_pull, sum(pulls) AS n
    FROM (${source}) GROUP BY image, minute
  )
  GROUP BY image HAVING peakNodes > 1
  ORDER BY peakNodes DESC, image LIMIT {limit:UInt32}`

const row = z.object({
  image: z.string(),
  peakNodes: z.coerce.number(),
  peakMinute: z.string(),
  peakMeanPullMs: z
    .union([z.string(), z.number(), z.null()])
    .transform((v) => (v === null ? null : Number(v))),
  pulls: z.coerce.number(),
})

/** Same image pulled by many nodes in the same minute, the largest peaks first. */
export const concurrentPulls =
  (q: Querier) =>
  async (input: PullParams): Promise<ConcurrentPulls[]> => {
    const p = pullParams.parse(input)
    const { where, params } = pullWhere(p, p.filters)
    const set = (Object.keys(p.filters) as (keyof StartupFilters)[]).filter((k) => p.filters[k] !== undefined)
    const answerable = set.every((k) => k in GRAIN_FILTERS)
    const served =
      p.source === 'raw' || !answerable
        ? null
        : await servedWithAllRows(q, p, ['pull_minute_grains'], 'concurrentPulls.served')
    if (!served || served.served.length === 0) {
      const rows = `(SELECT image, ${MINUTE} AS minute, node, pull_ms FROM image_pulls FINAL
        WHERE ${where} AND ${COUNTED})`
      return q.query('concurrentPulls', answerSql(minuteRows(rows)), { ...params, limit: p.limit }, row)
    }
    const cond = servedConditions(served, 'pod_created_at')
    const grainWhere = set.map((k) => ` AND ${GRAIN_FILTERS[k] as string}`).join('')
    // The rest of the window: the latest version of each pull (as pull-source.ts reads raw rows), then the filters.
    const raw = cond.raw
      ? `(SELECT toStartOfHour(pod_created_at) AS bucket, cluster, image, ${MINUTE} AS minute, node, pull_ms
          FROM (SELECT cluster, uid, container, init, version, pod_created_at, image, node, started_at, pull_ms, cached
                FROM image_pulls PREWHERE ${cond.raw}
                ORDER BY version DESC LIMIT 1 BY cluster, uid, container, init)
          WHERE ${where} AND ${COUNTED})`
      : null
    // Per bucket and image: the span of minutes and the peak within the bucket (grain rows, then raw rows).
    const spans = [
      `SELECT image, minute AS first, last_minute AS last, peak_nodes AS peak FROM pull_minute_grains
       WHERE grain = 'image' AND ${cond.rollup}${grainWhere}`,
      ...(raw
        ? [
            `SELECT image, min(minute) AS first, max(minute) AS last, max(n) AS peak FROM (
               SELECT bucket, cluster, image, minute, uniqExact(node) AS n FROM ${raw} GROUP BY bucket, cluster, image, minute
             ) GROUP BY bucket, cluster, image`,
          ]
        : []),
    ].join('\n UNION ALL \n')
    // Lower bound: the largest peak of one bucket. Upper bound: the largest running sum of peaks over the spans
    // (a span ends after its last minute; at one minute ends sort before starts).
    const bounds = `SELECT image, max(peak) AS lb,
        arrayMax(arrayCumSum(arrayMap(e -> e.2, arraySort(groupArray(e))))) AS ub
      FROM (SELECT image, peak, arrayJoin([(first, toInt64(peak)), (last + 60, -toInt64(peak))]) AS e FROM (${spans}))
      GROUP BY image`
    // The `limit`-th largest lower bound (at least 2: a peak of one node is no concurrency): no image with an upper
    // bound below it can be among the first `limit`.
    const floor = `(SELECT if(count() < {limit:UInt32}, 2, greatest(2, min(lb)))
      FROM (SELECT lb FROM (${bounds}) ORDER BY lb DESC LIMIT {limit:UInt32}))`
    const candidates = `image IN (SELECT image FROM (${bounds}) WHERE ub >= ${floor})`
    const source = [
      `SELECT image, minute, nodes, pulls, pull_n, pull_sum FROM pull_minute_grains
       WHERE grain = 'minute' AND ${cond.rollup}${grainWhere} AND ${candidates}`,
      ...(raw ? [minuteRows(`(SELECT * FROM ${raw} WHERE ${candidates})`)] : []),
    ].join('\n UNION ALL \n')
    return q.query('concurrentPulls', answerSql(source), { ...params, ...cond.params, limit: p.limit }, row)
  }

/** A rebuild's pulls that count. */
const REBUILD_COUNTED = `${REBUILD_PULLS}
       WHERE ${COUNTED}`

/**
 * The INSERT ... SELECT statements of one rebuild's pull_minute_grains rows (run after startup_rollup_hourly's):
 * minute rows, the image rows of each bucket, and the 'all' row per bucket. Parameters as rebuildRollupBuckets.
 */
export function pullMinuteGrainsInserts(): string[] {
  return [
    `INSERT INTO pull_minute_grains (grain, rebuild, bucket, cluster, image, minute, last_minute, nodes, peak_nodes,
       pulls, pull_n, pull_sum, retain_from)
     SELECT 'minute', {rebuild:UInt64}, toStartOfHour(pod_created_at) AS bucket, cluster, image, ${MINUTE} AS minute,
       minute, uniqExactState(${NODE}), uniqExact(node), count(), count(pull_ms), sum(ifNull(pull_ms, 0)), max(retain_from)
     FROM ${REBUILD_COUNTED}
     GROUP BY bucket, cluster, image, minute`,
    `INSERT INTO pull_minute_grains (grain, rebuild, bucket, cluster, image, minute, last_minute, peak_nodes, pulls,
       pull_n, pull_sum, retain_from)
     SELECT 'image', {rebuild:UInt64}, bucket, cluster, image, min(minute), max(minute), max(n), sum(c), sum(cn),
       sum(cs), max(r)
     FROM (SELECT toStartOfHour(pod_created_at) AS bucket, cluster, image, ${MINUTE} AS minute, uniqExact(node) AS n,
             count() AS c, count(pull_ms) AS cn, sum(ifNull(pull_ms, 0)) AS cs, max(retain_from) AS r
           FROM ${REBUILD_COUNTED}
           GROUP BY bucket, cluster, image, minute)
     GROUP BY bucket, cluster, image`,
    `INSERT INTO pull_minute_grains (grain, rebuild, bucket, startups, retain_from)
     SELECT 'all', {rebuild:UInt64}, bucket, sum(startups), max(retain_from) FROM startup_rollup_hourly
     WHERE rebuild = {rebuild:UInt64} AND bucket IN {buckets:Array(DateTime('UTC'))}
     GROUP BY bucket`,
  ]
}
