// Superseded rollup rows: a rebuild writes new rows next to the old ones; readers take only the latest build
// of a bucket, and the old rows are deleted once no reader can still be on them.

/** The build records of hour rows and of day rows, and their column naming the bucket a build is of. */
export const HOUR_BUILDS = { table: 'startup_rollup_builds', key: 'bucket' } as const
export const DAY_BUILDS = { table: 'startup_rollup_day_builds', key: 'day' } as const

/** Every table of rollup rows written per build. */
export type RollupTable =
  | 'startup_rollup_hourly'
  | 'startup_rollup_grains'
  | 'pull_rollup_grains'
  | 'startup_image_grains'
  | 'pull_group_grains'
  | 'pull_minute_grains'
  | 'startup_rollup_day_grains'
  | 'pull_rollup_day_grains'

/**
 * DELETE of the rows of `table` whose (bucket, rebuild) is not the latest build of its bucket, once that latest
 * build finished more than {grace:UInt32} ms ago. Table names come from the code's own constants.
 */
export function supersededRowsDelete(
  table: RollupTable,
  builds: typeof HOUR_BUILDS | typeof DAY_BUILDS,
): string {
  return `DELETE FROM ${table}
     WHERE (bucket, rebuild) NOT IN (SELECT ${builds.key}, max(rebuild) FROM ${builds.table} GROUP BY ${builds.key})
       AND bucket IN (SELECT ${builds.key} FROM ${builds.table} GROUP BY ${builds.key}
                      HAVING max(finished_at) < now64(3, 'UTC') - toIntervalMillisecond({grace:UInt32}))`
}
