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
export { PHASE_TABLE, type PhaseDefinition, type PhaseMeasure } from './phases.ts'
export type { ImageProfileLookup } from './record.ts'
