// One typed function per question the product asks: `(q: Querier) => (params) => Promise<rows>`.
// These read the deduplicated base tables (FINAL), so a startup written twice counts once.
// Rollups (quantile states per minute/hour, rebuilt from deduplicated rows) come later; when they do,
// dashboards switch to them here, behind the same signatures.

export * from './alerts-history.ts'
export * from './dashboard/index.ts'
export * from './events.ts'
export * from './filters.ts'
export * from './imports.ts'
export * from './percentiles.ts'
export * from './phase-breakdown.ts'
export * from './report-samples.ts'
export * from './slo.ts'
export * from './slo-peers.ts'
export * from './startups.ts'
