// Download/decompress splits: the rate table per node class, the split arithmetic, and the recomputation of
// stored splits when a profile or a measurement arrives (docs/splits.md).

export {
  pullsOfStartups,
  rewriteStartupSplits,
  type SplitStartup,
  type StartupSplitRewrite,
  splitStartups,
  startupsPullingOnNode,
} from '../queries/splits-rewrite.ts'
export {
  type NodeClassRow,
  nodeClasses,
  type StoredProfileRow,
  storedProfiles,
} from '../queries/splits-sources.ts'
export {
  importMeasuredSplits,
  type LayerApplyTime,
  type LayerMatch,
  type MatchResult,
  type MeasuredImportOptions,
  type MeasuredImportSummary,
  matchLayerApplies,
  type PullWindow,
  pullKey,
} from './measured.ts'
export {
  estimateDecompressMs,
  measuredSplit,
  NOTHING_UNPACKED_FACTOR,
  type ProfileSizes,
  type PullFacts,
  type PullSplit,
  SPLIT_METHOD_RANK,
  type SplitLookups,
  type SplitMethod,
  type StartupPull,
  type StoredSplitMethod,
  splitPull,
  splitWithRates,
  startupSplit,
} from './model.ts'
export {
  classRatesFromMeasurements,
  defaultSplitRates,
  effectiveInflateRate,
  MEASURED_RATES,
  NO_INFLATE_BYTES_PER_SEC,
  type NodeClass,
  nodeClassKey,
  type RateMeasurement,
  type SplitRates,
} from './rates.ts'
export {
  estimateDecision,
  forgetRollupTables,
  type PullDecision,
  type RecomputeOptions,
  type RewriteSummary,
  recomputeSplits,
  rewriteSplits,
} from './recompute.ts'
