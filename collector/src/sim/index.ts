// The simulated Kubernetes cluster: an API server with list/watch semantics whose pods start like real ones, and
// the ground truth of every startup, for demos and for measuring the collector's accuracy.
export { kubeconfigYaml, type SimOptions, type SimulatedCluster, startSimulatedCluster } from './cluster.ts'
export { type FaultSpec, FaultSpecError, parseFaults } from './faults.ts'
export { generateHistory, generateHistorySliced, type HistoryOptions, type WatchLine } from './history.ts'
export type { InjectedProblem } from './plan.ts'
export { builtinScenarioNames, loadScenario, type Scenario, ScenarioError } from './scenario.ts'
