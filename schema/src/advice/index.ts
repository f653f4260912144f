// @podstart/schema/advice: rule modules over signal rows -> ranked findings with savings and artifacts.
export * from '../queries/advice-inventory.ts'
export * from '../queries/advice-pulls.ts'
export * from '../queries/advice-startups.ts'
export { type AdviceSignalParams, adviceSignalParams } from '../queries/advice-window.ts'
export { type AdviceConfig, AdviceConfigError, parseAdviceConfig, thresholdsFor } from './config.ts'
export {
  type EvaluateAdviceOptions,
  evaluateAdvice,
  evaluateSignals,
  fetchAdviceSignals,
  renderAdvice,
} from './engine.ts'
export { rankFindings, scopeLabel } from './finding.ts'
export { RULE_IDS, RULES, ruleById } from './rules/index.ts'
export type * from './types.ts'
