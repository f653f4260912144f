// The lifecycle engine's public surface: pure reconstruction of pod startups from watch updates.
export { parseGoDuration } from './duration.ts'
export {
  analyzeBatch,
  type KubeObject,
  LifecycleEngine,
  type LifecycleOptions,
  type LifecycleStats,
  type WatchUpdate,
} from './engine.ts'
export { type ParsedKubeletMessage, parseKubeletMessage } from './messages.ts'
export type { ImageProfileLookup } from './record.ts'
export { type PullSplit, type PullSplitInput, type SplitRates, splitPull } from './split.ts'
