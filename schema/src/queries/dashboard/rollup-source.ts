// Where dashboard startup aggregates come from: the rollups for closed, clean buckets fully inside the window
// (the coarsest grain that keeps the dimensions asked for, else the hourly workload x node table), and
// pod_startups for everything else (edges, the open hour, dirty or never-built buckets).

import { z } from 'zod'
import { isoToCh } from '../../rows/codec.ts'
import {
  grainFor,
  ROLLUP_DIMENSIONS,
  ROLLUP_GRAINS,
  ROLLUP_MEASURES,
  type RollupDimension,
} from '../../rows/startup-rollups.ts'
import type { Querier } from '../../store/querier.ts'
import { type StartupFilters, startupWhere, WORKLOAD_FILTER_SQL } from '../filters.ts'

export type StartupSourceMode = 'auto' | 'raw'

/**
 * The time window as PREWHERE, which ClickHouse applies before FINAL merges versions. Correct here because
 * created_at never changes between versions of a startup (all versions of a uid pass or fail together), and it
 * spares FINAL from reading every column of the month's parts for a window of a few hours.
 */
const WINDOW = "created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}"

/** Filters the rollup can answer (image is not a rollup dimension: with it, everything comes from raw rows). */
const ROLLUP_FILTER_SQL: Partial<Record<keyof StartupFilters, string>> = {
  cluster: 'cluster = {cluster:String}',
  namespace: 'namespace = {namespace:String}',
  workload: WORKLOAD_FILTER_SQL,
  node: 'node = {node:String}',
}

/**
 * Hour buckets whose latest recorded rebuild is newer than every dirty mark, and whose rollup rows are all still
 * there: the rollup answers them. The second test matters once retention deletes rollup rows (TTL on retain_from)
 * while the build record (TTL on finished_at) or the startups (another retention) stay: such a bucket comes from
 * the raw rows, never as zeros. Counted on the cluster grain (one row per cluster x outcome x cold/warm).
 */
const SERVED_HOURS_SQL = `SELECT 'h' AS kind, toUnixTimestamp(b.b_bucket) AS bucket, b.b_rebuild AS rebuild,
         CAST([] AS Array(UInt64)) AS hour_rebuilds
  FROM (SELECT bucket AS b_bucket, max(rebuild) AS b_rebuild, argMax(started_at, rebuild) AS b_started,
               argMax(startups, rebuild) AS b_startups
        FROM startup_rollup_builds
        WHERE bucket >= {from:DateTime64(3, 'UTC')} AND bucket + INTERVAL 1 HOUR <= {to:DateTime64(3, 'UTC')}
        GROUP BY b_bucket) AS b
  LEFT JOIN (SELECT bucket AS d_bucket, max(marked_at) AS d_marked FROM startup_rollup_dirty
             WHERE bucket >= toStartOfHour({from:DateTime64(3, 'UTC')}) AND bucket < {to:DateTime64(3, 'UTC')}
             GROUP BY d_bucket) AS d ON d.d_bucket = b.b_bucket
  LEFT JOIN (SELECT bucket AS k_bucket, rebuild AS k_rebuild, sum(startups) AS k_startups FROM startup_rollup_grains
             WHERE grain = 'cluster' AND bucket >= toStartOfHour({from:DateTime64(3, 'UTC')})
               AND bucket < {to:DateTime64(3, 'UTC')}
             GROUP BY k_bucket, k_rebuild) AS k ON k.k_bucket = b.b_bucket AND k.k_rebuild = b.b_rebuild
  WHERE d.d_marked < b.b_started AND k.k_startups = b.b_startups`
/**
 * The latest day build of each day that starts in the window, with the hour rebuilds it merged, when its day
 * rows are still all there (counted on the cluster grain). Which of them a question may use depends on the
 * served hours (servedDays), so the read itself needs only the window: it shares one round trip with the hours.
 */
const SERVED_DAYS_SQL = `SELECT 'd' AS kind, toUnixTimestamp(b.b_day) AS bucket, b.b_rebuild AS rebuild,
         b.b_hours AS hour_rebuilds
  FROM (SELECT day AS b_day, max(rebuild) AS b_rebuild, argMax(hour_rebuilds, rebuild) AS b_hours,
               argMax(startups, rebuild) AS b_startups
        FROM startup_rollup_day_builds
        WHERE day >= toStartOfDay({from:DateTime64(3, 'UTC')}) AND day < {to:DateTime64(3, 'UTC')}
        GROUP BY b_day) AS b
  LEFT JOIN (SELECT bucket AS k_day, rebuild AS k_rebuild, sum(startups) AS k_startups
             FROM startup_rollup_day_grains
             WHERE grain = 'cluster' AND bucket >= toStartOfDay({from:DateTime64(3, 'UTC')})
               AND bucket < {to:DateTime64(3, 'UTC')}
             GROUP BY k_day, k_rebuild) AS k ON k.k_day = b.b_day AND k.k_rebuild = b.b_rebuild
  WHERE k.k_startups = b.b_startups`
const servedRow = z.object({
  kind: z.enum(['h', 'd']),
  bucket: z.coerce.number(),
  rebuild: z.coerce.number().int(),
  hour_rebuilds: z.array(z.coerce.number().int()),
})
const HOUR_MS = 3_600_000
/** More separate raw ranges than this (a store whose rollups are far behind) use one set test instead. */
const MAX_RAW_RANGES = 48

export interface ServedWindow {
  /** Served hours (ms) and the rebuild to read for each, oldest first. */
  served: { bucket: number; rebuild: number }[]
  /** The rest of the window, to read from raw rows. */
  ranges: [number, number][]
  /**
   * The day builds of the window's days (ms at 00:00 UTC, oldest first), when read together with the hours
   * (`servedWindow(..., { days: true })`): servedDays then needs no read of its own.
   */
  dayBuilds?: DayBuild[]
}

interface DayBuild {
  day: number
  rebuild: number
  hourRebuilds: number[]
}

/**
 * Which hours of the window the rollups serve (one read of the build and dirty records), and what is left.
 * `days`: the day builds of the window come in the same round trip (UNION ALL), for servedDays.
 */
export async function servedWindow(
  q: Querier,
  window: { from: string; to: string },
  opts: { days?: boolean } = {},
): Promise<ServedWindow> {
  const rows = await q.query(
    opts.days ? 'rollups.servedWithDays' : 'rollups.served',
    opts.days ? `${SERVED_HOURS_SQL}\n  UNION ALL\n  ${SERVED_DAYS_SQL}` : SERVED_HOURS_SQL,
    { from: isoToCh(window.from), to: isoToCh(window.to) },
    servedRow,
  )
  const served: { bucket: number; rebuild: number }[] = []
  const dayBuilds: DayBuild[] = []
  for (const r of rows) {
    if (r.kind === 'h') served.push({ bucket: r.bucket * 1000, rebuild: r.rebuild })
    else dayBuilds.push({ day: r.bucket * 1000, rebuild: r.rebuild, hourRebuilds: r.hour_rebuilds })
  }
  served.sort((a, b) => a.bucket - b.bucket)
  dayBuilds.sort((a, b) => a.day - b.day)
  return {
    ...(opts.days ? { dayBuilds } : {}),
    served,
    ranges: rawRanges(
      Date.parse(window.from),
      Date.parse(window.to),
      served.map((r) => r.bucket),
    ),
  }
}

/**
 * SQL conditions (and their parameters) for a served window: `rollup` selects the served (bucket, rebuild)
 * rows of a rollup table, `raw` the rest of the window on `timeColumn` of a raw table (null when nothing is
 * left). `prefix` keeps parameter names apart when two windows meet in one query.
 */
export function servedConditions(
  w: ServedWindow,
  timeColumn: string,
  prefix = 's',
): { rollup: string | null; raw: string | null; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {}
  const buckets = w.served.map((r) => isoToCh(new Date(r.bucket).toISOString()).slice(0, 19))
  params[`${prefix}Buckets`] = buckets
  params[`${prefix}Rebuilds`] = w.served.map((r) => r.rebuild)
  let rollup: string | null = null
  if (buckets.length > 0) {
    params[`${prefix}First`] = buckets[0]
    params[`${prefix}Last`] = buckets[buckets.length - 1]
    rollup = `bucket >= {${prefix}First:DateTime('UTC')} AND bucket <= {${prefix}Last:DateTime('UTC')}
    AND (bucket, rebuild) IN (SELECT b, r FROM (SELECT arrayJoin(arrayZip({${prefix}Buckets:Array(DateTime('UTC'))}, {${prefix}Rebuilds:Array(UInt64)})) AS t, t.1 AS b, t.2 AS r))`
  }
  let raw: string | null = null
  if (w.ranges.length > MAX_RAW_RANGES) {
    const [first] = w.ranges
    const last = w.ranges[w.ranges.length - 1] as [number, number]
    params[`${prefix}RawFrom`] = isoToCh(new Date((first as [number, number])[0]).toISOString())
    params[`${prefix}RawTo`] = isoToCh(new Date(last[1]).toISOString())
    raw = `${timeColumn} >= {${prefix}RawFrom:DateTime64(3, 'UTC')} AND ${timeColumn} < {${prefix}RawTo:DateTime64(3, 'UTC')} AND toStartOfHour(${timeColumn}) NOT IN {${prefix}Buckets:Array(DateTime('UTC'))}`
  } else if (w.ranges.length > 0) {
    raw = w.ranges
      .map(([a, b], i) => {
        params[`${prefix}RawFrom${i}`] = isoToCh(new Date(a).toISOString())
        params[`${prefix}RawTo${i}`] = isoToCh(new Date(b).toISOString())
        return `(${timeColumn} >= {${prefix}RawFrom${i}:DateTime64(3, 'UTC')} AND ${timeColumn} < {${prefix}RawTo${i}:DateTime64(3, 'UTC')})`
      })
      .join(' OR ')
  }
  return { rollup, raw, params }
}

/** [from, to) minus the served hours, as ms ranges, adjacent ones merged. */
export function rawRanges(
  fromMs: number,
  toMs: number,
  servedHoursMs: readonly number[],
): [number, number][] {
  const out: [number, number][] = []
  let cursor = fromMs
  for (const h of [...servedHoursMs].sort((a, b) => a - b)) {
    if (h + HOUR_MS <= cursor || h >= toMs) continue
    if (h > cursor) out.push([cursor, h])
    cursor = Math.max(cursor, h + HOUR_MS)
  }
  if (cursor < toMs) out.push([cursor, toMs])
  return out
}

const DAY_MS = 86_400_000

/** Served hours split into whole days a day build answers (migration 0016) and the hours left. */
export interface ServedDays {
  /** Days (ms at 00:00 UTC) and the day build to read for each, oldest first. */
  days: { bucket: number; rebuild: number }[]
  /** The window without those days' hours: the hours still read hour by hour, and the raw ranges (unchanged). */
  hours: ServedWindow
}

const dayBuildRow = z.object({
  day: z.coerce.number(),
  rebuild: z.coerce.number().int(),
  hour_rebuilds: z.array(z.coerce.number().int()),
})

/**
 * Which whole days of the served hours a day build answers: its 24 hours all served, and the build (the latest
 * of its day, its day rows still all there) merged exactly the rebuilds those hours serve. Those hours then come
 * from one day row per group instead of 24 hour rows; the numbers are the same rows merged. One small read,
 * skipped when no day of the window is served whole.
 */
export async function servedDays(q: Querier, w: ServedWindow): Promise<ServedDays> {
  const byDay = new Map<number, number[]>()
  for (const h of w.served) {
    const day = h.bucket - (h.bucket % DAY_MS)
    const list = byDay.get(day) ?? []
    list[(h.bucket - day) / HOUR_MS] = h.rebuild
    byDay.set(day, list)
  }
  const whole = [...byDay.entries()].filter(([, l]) => l.length === 24 && l.every((r) => r !== undefined))
  if (whole.length === 0) return { days: [], hours: w }
  const wholeDays = new Set(whole.map(([d]) => d))
  const builds = (
    w.dayBuilds ??
    (await readDayBuilds(
      q,
      whole.map(([d]) => d),
    ))
  ).filter((b) => wholeDays.has(b.day))
  const days: { bucket: number; rebuild: number }[] = []
  for (const b of builds) {
    const served = byDay.get(b.day)
    if (served && b.hourRebuilds.length === 24 && b.hourRebuilds.every((r, i) => r === served[i]))
      days.push({ bucket: b.day, rebuild: b.rebuild })
  }
  if (days.length === 0) return { days, hours: w }
  const covered = new Set(days.map((d) => d.bucket))
  return {
    days,
    hours: { served: w.served.filter((h) => !covered.has(h.bucket - (h.bucket % DAY_MS))), ranges: w.ranges },
  }
}

/** The day builds of the given days (ms), for a served window read without them. */
async function readDayBuilds(q: Querier, dayMs: readonly number[]): Promise<DayBuild[]> {
  const dayText = dayMs.map((d) => isoToCh(new Date(d).toISOString()).slice(0, 19))
  const builds = await q.query(
    'rollups.servedDays',
    `SELECT toUnixTimestamp(b.b_day) AS day, b.b_rebuild AS rebuild, b.b_hours AS hour_rebuilds
     FROM (SELECT day AS b_day, max(rebuild) AS b_rebuild, argMax(hour_rebuilds, rebuild) AS b_hours,
                  argMax(startups, rebuild) AS b_startups
           FROM startup_rollup_day_builds WHERE day IN {days:Array(DateTime('UTC'))} GROUP BY b_day) AS b
     LEFT JOIN (SELECT bucket AS k_day, rebuild AS k_rebuild, sum(startups) AS k_startups
                FROM startup_rollup_day_grains
                WHERE grain = 'cluster' AND bucket IN {days:Array(DateTime('UTC'))}
                GROUP BY k_day, k_rebuild) AS k ON k.k_day = b.b_day AND k.k_rebuild = b.b_rebuild
     WHERE k.k_startups = b.b_startups
     ORDER BY day`,
    { days: dayText },
    dayBuildRow,
  )
  return builds.map((b) => ({ day: b.day * 1000, rebuild: b.rebuild, hourRebuilds: b.hour_rebuilds }))
}

/**
 * The FROM subquery yielding rollup-shaped rows (dimensions + measure states) for the window and filters, each
 * startup exactly once. `mode: 'raw'` skips the rollup (for checks and comparisons).
 *
 * Which buckets the rollup serves is read first, and both halves of the query use that one list: the rollup
 * rows of exactly those (bucket, rebuild) pairs, and raw rows of exactly the rest of the window, as explicit
 * time ranges (the parts holding old hours are skipped by their created_at min/max; nothing is read twice
 * even if a rebuild lands meanwhile). When the rollup serves the whole window no raw row is read at all.
 *
 * The raw part keeps the highest version of each startup with LIMIT 1 BY instead of FINAL: on a few hours
 * of rows it costs milliseconds where FINAL pays a fixed setup (~50 ms at 10M rows) even when no row
 * matches. Same rows as FINAL, except that of two versions with the same `version` FINAL keeps the last
 * inserted and this keeps either (every rewrite gets a new version; equal versions are retries of the same
 * record). Filters apply after that choice, as they do after FINAL.
 */
export async function startupSource(
  q: Querier,
  window: { from: string; to: string },
  filters: StartupFilters,
  mode: StartupSourceMode = 'auto',
  /** Measure columns the question needs (quantile states are the costly part: read only those asked for). */
  measureNames: readonly string[] = ROLLUP_MEASURES.map(([n]) => n),
  /** Dimensions the question groups by (filters add their own); all of them when not given. */
  groupDimensions: readonly RollupDimension[] = ['cluster', 'namespace', 'workload', 'node'],
  /**
   * `days`: whole served days may come from the day rows (their bucket is the day's 00:00), for questions that
   * group by nothing finer than a day.
   */
  opts: { days?: boolean } = {},
): Promise<{ from: string; params: Record<string, unknown> }> {
  const { where, params } = startupWhere(window, filters)
  const dims = ROLLUP_DIMENSIONS.map(([n]) => n)
  const wanted = new Set(measureNames)
  const measures = ROLLUP_MEASURES.filter(([n]) => wanted.has(n))
  const filterDimensions = (Object.keys(ROLLUP_FILTER_SQL) as RollupDimension[]).filter(
    (k) => filters[k] !== undefined,
  )
  const grain = ROLLUP_GRAINS.find((g) => g.grain === grainFor([...groupDimensions, ...filterDimensions]))
  // Raw rows are grouped only by what the question can use (the grain's columns); the rest come out empty,
  // as they do in the grain's rows. Fewer groups means fewer quantile states to build and merge.
  const kept = new Set<string>(grain ? ['bucket', ...grain.set, 'outcome', 'start_kind'] : dims)
  const rawSelect = [
    ...ROLLUP_DIMENSIONS.map(([n, e]) => (kept.has(n) ? `${e} AS ${n}` : `'' AS ${n}`)),
    ...measures.map(([n, e]) => `${e} AS ${n}`),
  ].join(', ')
  const rawGroup = dims.filter((d) => kept.has(d)).join(', ')
  // A question only the hourly workload x node table answers, narrowed to a namespace, reads pod_startups
  // directly: its key starts (cluster, namespace), while the hourly table is ordered by hour (at 10M startups a
  // workload's nodes table took 159 ms raw against 241 ms through the hourly rollup).
  const rawIsCheaper = !grain && filters.namespace !== undefined
  if (mode === 'raw' || filters.image !== undefined || rawIsCheaper) {
    return {
      from: `(SELECT ${rawSelect} FROM pod_startups FINAL PREWHERE ${WINDOW} WHERE ${where} GROUP BY ${rawGroup})`,
      params,
    }
  }
  let served = await servedWindow(q, window, { days: grain !== undefined && opts.days === true })
  let dayCond: ReturnType<typeof servedConditions> | null = null
  if (grain && opts.days) {
    const split = await servedDays(q, served)
    served = split.hours
    if (split.days.length > 0) dayCond = servedConditions({ served: split.days, ranges: [] }, 'bucket', 'd')
  }
  const cond = servedConditions(served, 'created_at')
  const parts: string[] = []
  const all = { ...params, ...cond.params, ...dayCond?.params }
  const rollupConds = (Object.keys(ROLLUP_FILTER_SQL) as (keyof StartupFilters)[])
    .filter((k) => filters[k] !== undefined)
    .map((k) => ` AND ${ROLLUP_FILTER_SQL[k] as string}`)
    .join('')
  if (grain && dayCond?.rollup)
    parts.push(`SELECT ${[...dims, ...measures.map(([n]) => n)].join(', ')} FROM startup_rollup_day_grains
    WHERE grain = '${grain.grain}' AND ${dayCond.rollup}${rollupConds}`)
  if (cond.rollup) {
    const table = grain
      ? `startup_rollup_grains WHERE grain = '${grain.grain}' AND`
      : 'startup_rollup_hourly WHERE'
    parts.push(`SELECT ${[...dims, ...measures.map(([n]) => n)].join(', ')} FROM ${table}
    ${cond.rollup}${rollupConds}`)
  }
  if (cond.raw) {
    parts.push(`SELECT ${rawSelect} FROM (
      SELECT * FROM pod_startups PREWHERE ${cond.raw}
      ORDER BY version DESC LIMIT 1 BY cluster, namespace, uid
    )
    WHERE ${where}
    GROUP BY ${rawGroup}`)
  }
  // An empty window still yields the rollup's column shape (no rows).
  if (parts.length === 0) parts.push(`SELECT ${rawSelect} FROM pod_startups WHERE 0 GROUP BY ${rawGroup}`)
  return { from: `(\n    ${parts.join('\n    UNION ALL\n    ')}\n  )`, params: all }
}
