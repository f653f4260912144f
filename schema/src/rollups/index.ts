// Startup rollups: hourly quantile states rebuilt from deduplicated rows, and the write protocol that keeps them exact.

export {
  PULL_DIMENSIONS,
  PULL_GRAINS,
  PULL_MEASURES,
  type PullDimension,
  pullGrainFor,
  pullGrainsInsert,
  SIZE_CLASS_SQL,
  SIZE_CLASSES,
} from '../rows/pull-rollups.ts'
export {
  grainFor,
  grainsInsertFromHourly,
  mergeMeasure,
  PHASE_STEM,
  ROLLUP_COLUMNS,
  ROLLUP_DIMENSIONS,
  ROLLUP_GRAINS,
  ROLLUP_LEVELS,
  ROLLUP_MEASURES,
  type RollupDimension,
  type RollupGrain,
  rollupSelectFromRaw,
} from '../rows/startup-rollups.ts'
export { pruneSupersededDayRollups, refreshDayRollups } from './day-rollups.ts'
export {
  markRollupBucketsDirty,
  pruneSupersededRollups,
  type RollupRefreshResult,
  rebuildRollupBucket,
  rebuildRollupBuckets,
  refreshRollups,
  staleRollupBuckets,
  startupBuckets,
  writeStartups,
} from './refresh.ts'
