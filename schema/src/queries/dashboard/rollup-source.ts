// Where dashboard startup aggregates come from: the rollups for closed, clean buckets fully inside the window
// (the coarsest grain that keeps the dimensions asked for, else the hourly workload x node table), and
// pod_startups FINAL for everything else (edges, the open hour, dirty or never-built buckets).
import {
  grainFor,
  ROLLUP_DIMENSIONS,
  ROLLUP_GRAINS,
  ROLLUP_MEASURES,
  type RollupDimension,
} from '../../rollups/aggregates.ts'
import { type StartupFilters, startupWhere } from '../filters.ts'

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
  workload: 'workload_name = {workload:String}',
  node: 'node = {node:String}',
}

/**
 * The WITH clause and a FROM subquery yielding rollup-shaped rows (dimensions + measure states) for the window
 * and filters, each startup exactly once. `mode: 'raw'` skips the rollup (for checks and comparisons).
 */
export function startupSource(
  window: { from: string; to: string },
  filters: StartupFilters,
  mode: StartupSourceMode = 'auto',
  /** Measure columns the question needs (quantile states are the costly part: read only those asked for). */
  measureNames: readonly string[] = ROLLUP_MEASURES.map(([n]) => n),
  /** Dimensions the question groups by (filters add their own); all of them when not given. */
  groupDimensions: readonly RollupDimension[] = ['cluster', 'namespace', 'workload', 'node'],
): { withClause: string; from: string; params: Record<string, unknown> } {
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
  const useRollup = mode === 'auto' && filters.image === undefined
  if (!useRollup) {
    return {
      withClause: '',
      from: `(SELECT ${rawSelect} FROM pod_startups FINAL PREWHERE ${WINDOW} WHERE ${where} GROUP BY ${rawGroup})`,
      params,
    }
  }
  const rollupConds = (Object.keys(ROLLUP_FILTER_SQL) as (keyof StartupFilters)[])
    .filter((k) => filters[k] !== undefined)
    .map((k) => ROLLUP_FILTER_SQL[k] as string)
  const withClause = `WITH served AS (
    SELECT b.b_bucket AS bucket, b.b_rebuild AS rebuild
    FROM (SELECT bucket AS b_bucket, max(rebuild) AS b_rebuild, argMax(started_at, rebuild) AS b_started
          FROM startup_rollup_builds
          WHERE bucket >= {from:DateTime64(3, 'UTC')} AND bucket + INTERVAL 1 HOUR <= {to:DateTime64(3, 'UTC')}
          GROUP BY b_bucket) AS b
    LEFT JOIN (SELECT bucket AS d_bucket, max(marked_at) AS d_marked FROM startup_rollup_dirty
               WHERE bucket >= toStartOfHour({from:DateTime64(3, 'UTC')}) AND bucket < {to:DateTime64(3, 'UTC')}
               GROUP BY d_bucket) AS d ON d.d_bucket = b.b_bucket
    WHERE d.d_marked < b.b_started
  )`
  const columns = [...dims, ...measures.map(([n]) => n)].join(', ')
  const rollup = grain
    ? `startup_rollup_grains WHERE grain = '${grain.grain}' AND bucket >= toStartOfHour({from:DateTime64(3, 'UTC')}) AND bucket < {to:DateTime64(3, 'UTC')} AND`
    : 'startup_rollup_hourly WHERE'
  const from = `(
    SELECT ${columns} FROM ${rollup}
    (bucket, rebuild) IN (SELECT bucket, rebuild FROM served)${rollupConds.map((c) => ` AND ${c}`).join('')}
    UNION ALL
    SELECT ${rawSelect} FROM pod_startups FINAL
    PREWHERE ${WINDOW} AND toStartOfHour(created_at) NOT IN (SELECT bucket FROM served)
    WHERE ${where}
    GROUP BY ${rawGroup}
  )`
  return { withClause, from, params }
}
