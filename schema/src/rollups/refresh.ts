// Keeps the rollups (startup_rollup_hourly, startup_rollup_grains, pull_rollup_grains) exact under rewrites:
// writers mark the hour buckets they touch dirty (before and after writing), and a refresh rebuilds dirty or
// never-built CLOSED buckets from pod_startups FINAL and image_pulls FINAL.
import { z } from 'zod'
import { pullMinuteGrainsInserts } from '../queries/dashboard/concurrent-pulls.ts'
import { REPORT_GRAIN_TABLES, reportGrainsInserts } from '../queries/report-grains.ts'
import type { StartupRecord } from '../record/types.ts'
import { isoToCh } from '../rows/codec.ts'
import { pullGrainsInsert } from '../rows/pull-rollups.ts'
import {
  grainsInsertFromHourly,
  ROLLUP_COLUMNS,
  ROLLUP_DIMENSIONS,
  rollupSelectFromRaw,
} from '../rows/startup-rollups.ts'
import type { Querier } from '../store/querier.ts'
import { type InsertStartupsOptions, insertStartups } from '../writes/startups.ts'
import { pruneSupersededDayRollups, refreshDayRollups } from './day-rollups.ts'
import { HOUR_BUILDS, supersededRowsDelete } from './superseded.ts'

const HOUR_MS = 3_600_000

/** Hour buckets ('YYYY-MM-DD hh:00:00', UTC) of the records' created_at, each once. */
export function startupBuckets(records: Pick<StartupRecord, 'createdAt'>[]): string[] {
  const set = new Set<string>()
  for (const r of records) {
    const ms = Date.parse(r.createdAt)
    if (!Number.isFinite(ms)) throw new Error(`startup createdAt is not a time: "${r.createdAt}"`)
    set.add(isoToCh(new Date(ms - (ms % HOUR_MS)).toISOString()).slice(0, 19))
  }
  return [...set].sort()
}

/** Marks hour buckets dirty at the store's clock: readers take them raw until a later rebuild. */
export async function markRollupBucketsDirty(q: Querier, buckets: string[]): Promise<void> {
  if (buckets.length === 0) return
  await q.command(
    `INSERT INTO startup_rollup_dirty (bucket, marked_at)
     SELECT arrayJoin({buckets:Array(DateTime('UTC'))}), now64(3, 'UTC')`,
    { buckets },
  )
}

/**
 * insertStartups with the rollup protocol around it. Marking before makes readers go raw for the bucket while
 * the rows land; marking after invalidates a rebuild that started in between and may have missed them.
 * `version`: one for every record, or one per record (a writer's batch gathered over time); `opts` as insertStartups.
 */
export async function writeStartups(
  q: Querier,
  records: StartupRecord[],
  version: number | readonly number[],
  opts: InsertStartupsOptions = {},
): Promise<void> {
  if (records.length === 0) return
  const buckets = startupBuckets(records)
  await markRollupBucketsDirty(q, buckets)
  await insertStartups(q, records, version, opts)
  await markRollupBucketsDirty(q, buckets)
}

const bucketRow = z.object({ bucket: z.string() })

/**
 * Closed buckets needing a rebuild: marked dirty at or after their latest rebuild started, or holding
 * startups but never built. Oldest first, at most `limit`.
 */
export async function staleRollupBuckets(q: Querier, limit = 500): Promise<string[]> {
  const rows = await q.query(
    'staleRollupBuckets',
    `WITH builds AS (
       SELECT bucket AS b_bucket, argMax(started_at, rebuild) AS b_started FROM startup_rollup_builds GROUP BY bucket
     )
     SELECT toString(bucket) AS bucket FROM (
       SELECT d.d_bucket AS bucket FROM
         (SELECT bucket AS d_bucket, max(marked_at) AS d_marked FROM startup_rollup_dirty
          WHERE bucket < toStartOfHour(now('UTC')) GROUP BY bucket) AS d
         LEFT JOIN builds AS b ON b.b_bucket = d.d_bucket
       WHERE d.d_marked >= b.b_started
       UNION DISTINCT
       SELECT DISTINCT toStartOfHour(created_at) AS bucket FROM pod_startups
       WHERE created_at < toStartOfHour(now('UTC'))
         AND toStartOfHour(created_at) NOT IN (SELECT b_bucket FROM builds)
     )
     ORDER BY bucket
     LIMIT {limit:UInt32}`,
    { limit },
    bucketRow,
  )
  return rows.map((r) => r.bucket)
}

const startRow = z.object({
  started_at: z.string(),
  rebuild: z.union([z.string(), z.number()]).transform(Number),
})
const HOUR_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:00:00$/

/**
 * Rebuilds hour buckets from the deduplicated rows under one new rebuild id, then records each rebuild.
 * One INSERT ... SELECT for the batch: pod_startups is not ordered by time, so a query per bucket would scan
 * the same parts again for every hour. Rows of older rebuilds stay until pruned; readers never mix them in.
 */
export async function rebuildRollupBuckets(q: Querier, buckets: string[]): Promise<number | null> {
  if (buckets.length === 0) return null
  for (const b of buckets)
    if (!HOUR_TEXT.test(b)) throw new Error(`rollup bucket must be an hour 'YYYY-MM-DD hh:00:00', got "${b}"`)
  const sorted = [...buckets].sort()
  const [start] = await q.query(
    'rebuildRollupBuckets.start',
    `SELECT toString(now64(3, 'UTC')) AS started_at, toUnixTimestamp64Milli(now64(3, 'UTC')) AS rebuild`,
    {},
    startRow,
  )
  if (!start) throw new Error('the store did not answer its clock')
  const dims = ROLLUP_DIMENSIONS.map(([n]) => n)
  const params = {
    rebuild: start.rebuild,
    buckets: sorted,
    first: sorted[0],
    last: sorted[sorted.length - 1],
    started: start.started_at,
  }
  await q.command(
    `INSERT INTO startup_rollup_hourly (rebuild, ${ROLLUP_COLUMNS.join(', ')}, retain_from)
     SELECT {rebuild:UInt64} AS rebuild, ${rollupSelectFromRaw()},
       -- A rollup row lives as long as the last of its startups (retention counts from retain_from).
       max(retain_from) AS retain_from
     FROM pod_startups FINAL
     -- Before FINAL: created_at is the same in every version of a startup (see rollup-source.ts).
     PREWHERE created_at >= {first:DateTime('UTC')} AND created_at < {last:DateTime('UTC')} + INTERVAL 1 HOUR
       AND toStartOfHour(created_at) IN {buckets:Array(DateTime('UTC'))}
     GROUP BY ${dims.join(', ')}`,
    params,
  )
  // The coarser grains from the hourly rows just written (far fewer rows than pod_startups to read again).
  await q.command(grainsInsertFromHourly(), params)
  // Image pulls of the same hours (pull rows share their startup's hour and dirty marks).
  await q.command(pullGrainsInsert(), params)
  // The weekly report's grains: startups per image repository, pulls per workload, repository and node.
  for (const sql of reportGrainsInserts()) await q.command(sql, params)
  // Concurrent pulls: per image and minute node states, and each bucket's peak per image.
  for (const sql of pullMinuteGrainsInserts()) await q.command(sql, params)
  // A bucket left without startups (expired by TTL) still gets a build row: built, and empty.
  await q.command(
    `INSERT INTO startup_rollup_builds (bucket, rebuild, started_at, finished_at, startups)
     SELECT b, {rebuild:UInt64}, {started:DateTime64(3, 'UTC')}, now64(3, 'UTC'), ifNull(n.startups, 0)
     FROM (SELECT arrayJoin({buckets:Array(DateTime('UTC'))}) AS b) AS l
     LEFT JOIN (SELECT bucket, sum(startups) AS startups FROM startup_rollup_hourly
                WHERE rebuild = {rebuild:UInt64} GROUP BY bucket) AS n ON n.bucket = l.b
     SETTINGS join_use_nulls = 1`,
    params,
  )
  return start.rebuild
}

/** Rebuilds one hour bucket (see rebuildRollupBuckets). */
export async function rebuildRollupBucket(q: Querier, bucket: string): Promise<number> {
  return (await rebuildRollupBuckets(q, [bucket])) as number
}

/**
 * Deletes rows of superseded rebuilds once their successor is older than `graceMs` (a reader that chose the
 * old rebuild just before has long finished).
 */
export async function pruneSupersededRollups(q: Querier, graceMs = 120_000): Promise<void> {
  for (const table of [
    'startup_rollup_hourly',
    'startup_rollup_grains',
    'pull_rollup_grains',
    'pull_minute_grains',
    ...REPORT_GRAIN_TABLES,
  ] as const)
    await q.command(supersededRowsDelete(table, HOUR_BUILDS), { grace: graceMs })
  await pruneSupersededDayRollups(q, graceMs)
}

export interface RollupRefreshResult {
  rebuilt: string[]
  /** More stale buckets remain than `limit` allowed in one pass. */
  more: boolean
}

/** One refresh pass: rebuild stale closed buckets (oldest first, at most `limit`). */
export async function refreshRollups(
  q: Querier,
  opts: { limit?: number } = {},
): Promise<RollupRefreshResult> {
  const limit = opts.limit ?? 200
  const stale = await staleRollupBuckets(q, limit + 1)
  const todo = stale.slice(0, limit)
  // Batches of a day of buckets: one scan each, bounded memory for the GROUP BY.
  for (let i = 0; i < todo.length; i += 24) await rebuildRollupBuckets(q, todo.slice(i, i + 24))
  // Day rows of days whose 24 hours now serve, once no hours wait (a backlog would rebuild them again).
  if (stale.length <= limit) await refreshDayRollups(q)
  return { rebuilt: todo, more: stale.length > limit }
}
