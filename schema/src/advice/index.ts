// @podstart/schema/advice: rule modules over signal rows -> ranked findings with savings and artifacts.

export * from '../queries/advice-acute.ts'
export {
  adviceDataVersion,
  type FindingPodsInput,
  type FindingPodsRow,
  findingPods,
} from '../queries/advice-evidence.ts'
export * from '../queries/advice-inventory.ts'
export * from '../queries/advice-pulls.ts'
export * from '../queries/advice-shared.ts'
export * from '../queries/advice-specs.ts'
export * from '../queries/advice-startups.ts'
export { type AdviceSignalParams, adviceSignalParams } from '../queries/advice-window.ts'
export { type AdviceConfig, AdviceConfigError, parseAdviceConfig, thresholdsFor } from './config.ts'
export {
  attachFindingPods,
  type EvaluateAdviceOptions,
  evaluateAdvice,
  evaluateSignals,
  fetchAdviceSignals,
  renderAdvice,
} from './engine.ts'
export {
  CONFIDENCE_WEIGHT,
  expectedSaving,
  nearestRankAt,
  percentileNote,
  rankFindings,
  savingBasis,
  scopeLabel,
} from './finding.ts'
export { RULE_IDS, RULE_PHASES, RULES, ruleById } from './rules/index.ts'
export { findingPath, inPageScope, type PageScope, pageScope } from './scope.ts'
export type * from './types.ts'
