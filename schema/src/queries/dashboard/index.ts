// Dashboard questions: startup aggregates through the rollups, pull anatomy, rollouts.
export * from './concurrent-pulls.ts'
export * from './image-pulls.ts'
export * from './rollup-source.ts'
export * from './snapshot.ts'
export * from './startup-aggregates.ts'
export * from './workload-rollouts.ts'
