// Day rows (migration 0016): for each day whose 24 hours the rollups serve, the hourly grain rows of exactly those
// rebuilds merged into one row per group and day, recorded with the hour rebuilds they merge. Readers use a day
// only while its hours still serve those rebuilds (rollup-source.ts servedDays), so a day row is never newer or
// older than the hours it stands for.
import { z } from 'zod'
import { PULL_DIMENSIONS, PULL_MEASURES } from '../rows/pull-rollups.ts'
import { ROLLUP_DIMENSIONS, ROLLUP_LEVELS, ROLLUP_MEASURES } from '../rows/startup-rollups.ts'
import type { Querier } from '../store/querier.ts'
import { DAY_BUILDS, supersededRowsDelete } from './superseded.ts'

const LEVELS = ROLLUP_LEVELS.join(', ')

/**
 * Hours the rollups serve, per day, with their rebuild: latest recorded rebuild, no dirty mark since it started,
 * and its grain rows all there (the conditions of servedWindow in queries/dashboard/rollup-source.ts).
 */
const SERVED_HOURS_SQL = `SELECT b.b_bucket AS hour, b.b_rebuild AS rebuild, b.b_startups AS startups
  FROM (SELECT bucket AS b_bucket, max(rebuild) AS b_rebuild, argMax(started_at, rebuild) AS b_started,
               argMax(startups, rebuild) AS b_startups
        FROM startup_rollup_builds GROUP BY b_bucket) AS b
  LEFT JOIN (SELECT bucket AS d_bucket, max(marked_at) AS d_marked FROM startup_rollup_dirty GROUP BY d_bucket) AS d
    ON d.d_bucket = b.b_bucket
  LEFT JOIN (SELECT bucket AS k_bucket, rebuild AS k_rebuild, sum(startups) AS k_startups FROM startup_rollup_grains
             WHERE grain = 'cluster' GROUP BY k_bucket, k_rebuild) AS k
    ON k.k_bucket = b.b_bucket AND k.k_rebuild = b.b_rebuild
  WHERE d.d_marked < b.b_started AND k.k_startups = b.b_startups`

/** Days (before today) whose 24 hours are served and whose latest day build does not merge those rebuilds. */
const DAYS_TO_BUILD_SQL = `SELECT toString(h.day) AS day, h.hour_rebuilds AS hour_rebuilds, h.startups AS startups
  FROM (SELECT toStartOfDay(hour) AS day, arrayMap(t -> t.2, arraySort(groupArray((hour, rebuild)))) AS hour_rebuilds,
               sum(startups) AS startups, count() AS hours
        FROM (${SERVED_HOURS_SQL}) GROUP BY day) AS h
  LEFT JOIN (SELECT day, argMax(hour_rebuilds, rebuild) AS built FROM startup_rollup_day_builds GROUP BY day) AS y
    ON y.day = h.day
  WHERE h.hours = 24 AND h.day < toStartOfDay(now('UTC')) AND y.built != h.hour_rebuilds
  ORDER BY h.day
  LIMIT {limit:UInt32}`
const dayRow = z.object({
  day: z.string(),
  hour_rebuilds: z.array(z.union([z.string(), z.number()]).transform(Number)),
  startups: z.union([z.string(), z.number()]).transform(Number),
})

const HOUR_MS = 3_600_000

/** (hour, rebuild) pairs of the days being built, as the IN list of a grain table read. */
const HOURS_IN = `(bucket, rebuild) IN (SELECT h, r FROM (SELECT arrayJoin(arrayZip({hours:Array(DateTime('UTC'))}, {rebuilds:Array(UInt64)})) AS t, t.1 AS h, t.2 AS r))`

/** INSERT of the day rows of `target` merged from the hour rows of `source`, one measure expression per column. */
function daysInsert(
  target: 'startup_rollup_day_grains' | 'pull_rollup_day_grains',
  source: 'startup_rollup_grains' | 'pull_rollup_grains',
  dimensions: readonly string[],
  measures: readonly [name: string, merged: string][],
): string {
  const dims = dimensions.filter((n) => n !== 'bucket')
  return `INSERT INTO ${target} (grain, bucket, rebuild, ${[...dims, ...measures.map(([n]) => n)].join(', ')}, retain_from)
    SELECT grain, toStartOfDay(bucket) AS day, {rebuild:UInt64}, ${dims.join(', ')},
      ${measures.map(([n, m]) => `${m} AS ${n}`).join(',\n      ')},
      max(retain_from) AS retain_from
    FROM ${source}
    WHERE bucket >= {first:DateTime('UTC')} AND bucket <= {last:DateTime('UTC')} AND ${HOURS_IN}
    GROUP BY grain, day, ${dims.join(', ')}`
}

const startupDaysInsert = (): string =>
  daysInsert(
    'startup_rollup_day_grains',
    'startup_rollup_grains',
    ROLLUP_DIMENSIONS.map(([n]) => n),
    ROLLUP_MEASURES.map(([n]) => [
      n,
      n.endsWith('_q') ? `quantilesMergeState(${LEVELS})(${n})` : `sum(${n})`,
    ]),
  )

const pullDaysInsert = (): string =>
  daysInsert(
    'pull_rollup_day_grains',
    'pull_rollup_grains',
    PULL_DIMENSIONS.map(([n]) => n),
    PULL_MEASURES.map(([n, , merge]) => [
      n,
      n.endsWith('_q') ? `quantilesMergeState(0.5, 0.9)(${n})` : merge,
    ]),
  )

/**
 * Builds the day rows of days whose 24 hours are served and not yet merged as they are now (oldest first, at
 * most `limit` days, one day per build). Returns the days built ('YYYY-MM-DD 00:00:00').
 */
export async function refreshDayRollups(q: Querier, opts: { limit?: number } = {}): Promise<string[]> {
  const days = await q.query('refreshDayRollups.days', DAYS_TO_BUILD_SQL, { limit: opts.limit ?? 31 }, dayRow)
  for (const d of days) {
    const [start] = await q.query(
      'refreshDayRollups.start',
      `SELECT toUnixTimestamp64Milli(now64(3, 'UTC')) AS rebuild`,
      {},
      z.object({ rebuild: z.union([z.string(), z.number()]).transform(Number) }),
    )
    if (!start) throw new Error('the store did not answer its clock')
    const dayMs = Date.parse(`${d.day.replace(' ', 'T')}Z`)
    const hours = d.hour_rebuilds.map((_, i) =>
      new Date(dayMs + i * HOUR_MS).toISOString().slice(0, 19).replace('T', ' '),
    )
    const params = {
      rebuild: start.rebuild,
      hours,
      rebuilds: d.hour_rebuilds,
      first: hours[0],
      last: hours[hours.length - 1],
    }
    await q.command(startupDaysInsert(), params)
    await q.command(pullDaysInsert(), params)
    await q.command(
      `INSERT INTO startup_rollup_day_builds (day, rebuild, hour_rebuilds, startups, finished_at)
       VALUES ({day:DateTime('UTC')}, {rebuild:UInt64}, {rebuilds:Array(UInt64)}, {startups:UInt64}, now64(3, 'UTC'))`,
      { ...params, day: d.day, startups: d.startups },
    )
  }
  return days.map((d) => d.day)
}

/** Deletes day rows of superseded day builds once their successor is older than `graceMs` (as for the hours). */
export async function pruneSupersededDayRollups(q: Querier, graceMs = 120_000): Promise<void> {
  for (const table of ['startup_rollup_day_grains', 'pull_rollup_day_grains'] as const)
    await q.command(supersededRowsDelete(table, DAY_BUILDS), { grace: graceMs })
}
