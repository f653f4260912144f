// The store: open embedded chDB or a ClickHouse server, share one handle per process, run migrations.
export { redactUrl, type StoreConfig, type StoreTls, storeConfigFromEnv } from './env.ts'
export { clickhouseErrorCode, isRetryableWriteError, StoreError } from './errors.ts'
export {
  describePlan,
  loadMigrations,
  MIGRATIONS_DIR,
  type MigrationFile,
  type MigrationOptions,
  type MigrationPlan,
  type MigrationResult,
  migrate,
  type PlannedMigration,
  planAllPending,
  planMigrations,
  type SchemaVersionStatus,
  schemaVersionStatus,
} from './migrations.ts'
export { CLIENT_SETTINGS, embeddedStoreExists, openStore, type Store } from './open.ts'
export {
  type CapturedCall,
  capturingQuerier,
  createQuerier,
  type InsertOptions,
  JsonRows,
  type Querier,
  QueryError,
  TABLE_NAMES,
  type TableName,
} from './querier.ts'
export {
  alignRetentionColumns,
  applyRetention,
  defaultRetention,
  MAX_RETENTION_DAYS,
  parseTtl,
  RETENTION_TABLES,
  type RetentionChange,
  type RetentionDays,
  type RetentionTable,
  retentionFromConfig,
  retentionInForce,
  retentionStatements,
  type TtlInForce,
  ttlTime,
} from './retention.ts'
export { getSharedStore, getStore, setSharedStore } from './shared.ts'
export { type ExpandOptions, expandPlaceholders, type SqlStatement, splitStatements } from './sql-text.ts'
