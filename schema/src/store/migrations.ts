// Migration runner: applies the frozen files in schema/migrations once each, records them with a checksum,
// and takes a lease lock in ClickHouse so two runners against one server never interleave.
import { createHash, randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { StoreError, shortMessage } from './errors.ts'
import type { Store } from './open.ts'
import { createQuerier, type Querier } from './querier.ts'
import { alignRetentionColumns } from './retention.ts'
import { expandPlaceholders, type SqlStatement, splitStatements } from './sql-text.ts'

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations')

export interface MigrationFile {
  version: number
  /** e.g. "0001_init" */
  name: string
  upFile: string
  downFile?: string
  /** sha256 (hex) of the up file's bytes as committed, before placeholder expansion. */
  checksum: string
  upSql: string
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$/

/** Reads the migrations directory; duplicate numbers and stray .sql names are errors naming the files. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const byVersion = new Map<number, MigrationFile>()
  const downs = new Map<string, string>()
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue
    const m = FILE_NAME.exec(file)
    if (!m)
      throw new StoreError(`migration file ${file} is not named NNNN_name.up.sql or NNNN_name.down.sql`, {
        exitCode: 1,
      })
    const name = `${m[1]}_${m[2]}`
    if (m[3] === 'down') {
      downs.set(name, file)
      continue
    }
    const version = Number(m[1])
    const other = byVersion.get(version)
    if (other) {
      throw new StoreError(`duplicate migration number ${m[1]}: ${other.upFile} and ${file}`, { exitCode: 1 })
    }
    const bytes = readFileSync(join(dir, file))
    byVersion.set(version, {
      version,
      name,
      upFile: file,
      checksum: createHash('sha256').update(bytes).digest('hex'),
      upSql: bytes.toString('utf8'),
    })
  }
  for (const [name, file] of downs) {
    const up = [...byVersion.values()].find((f) => f.name === name)
    if (!up) throw new StoreError(`migration file ${file} has no matching ${name}.up.sql`, { exitCode: 1 })
    up.downFile = file
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version)
}

export interface MigrationOptions {
  /** Print the plan and the expanded SQL; apply nothing. */
  dry?: boolean
  /** ClickHouse cluster name: ON CLUSTER DDL and Replicated* engines. */
  onCluster?: string
  log?: (line: string) => void
  /** Defaults to the package's migrations directory. */
  dir?: string
  /** How long to wait for another runner's lock before giving up (default 120 s). */
  lockTimeoutMs?: number
  /** How long a lock is held before others may take it over (default 10 min). */
  leaseMs?: number
}

export interface PlannedMigration {
  version: number
  name: string
  checksum: string
  status: 'applied' | 'pending'
  /** Expanded statements, in order. */
  statements: SqlStatement[]
}

export interface MigrationPlan {
  migrations: PlannedMigration[]
  pending: PlannedMigration[]
  /** Versions recorded in the store that no file here knows (the store is newer than this podstart). */
  unknownApplied: number[]
}

export interface MigrationResult {
  plan: MigrationPlan
  /** Names applied by this run. */
  applied: string[]
}

const appliedRow = z.object({
  version: z.coerce.number(),
  name: z.string(),
  checksum: z.string(),
})
type AppliedRow = z.infer<typeof appliedRow>

// Bookkeeping tables are created by the runner, with the same placeholder expansion as the files.
const BOOKKEEPING_SQL = `
CREATE TABLE IF NOT EXISTS schema_migrations{on_cluster}
(
  version UInt32 COMMENT 'Migration number (NNNN of the file name).',
  name String COMMENT 'File name without .up.sql.',
  checksum String COMMENT 'sha256 of the up file as applied; a changed file is refused.',
  applied_at DateTime64(3, 'UTC') COMMENT 'When the runner finished applying it.'
)
ENGINE = {engine:ReplacingMergeTree(applied_at)}
ORDER BY version
COMMENT 'Migrations applied to this database, one row per file.';

CREATE TABLE IF NOT EXISTS schema_migrations_lock{on_cluster}
(
  token String COMMENT 'Random token of one runner''s claim.',
  holder String COMMENT 'Who claimed it: host and pid, for humans.',
  acquired_at DateTime64(3, 'UTC') COMMENT 'Server time of the claim; the earliest live claim holds the lock.',
  expires_at DateTime64(3, 'UTC') COMMENT 'The claim is ignored after this (a crashed runner).',
  released UInt8 COMMENT '1 once the runner is done.',
  version UInt64 COMMENT 'Row version: the release replaces the claim.'
)
ENGINE = {engine:ReplacingMergeTree(version)}
ORDER BY token
TTL toDateTime(expires_at) + INTERVAL 1 DAY
COMMENT 'Lease lock so two migration runners never apply at once.';
`

async function bookkeepingExists(q: Querier): Promise<boolean> {
  const rows = await q.query(
    'schema_migrations_exists',
    "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'schema_migrations'",
    {},
    z.object({ n: z.coerce.number() }),
  )
  return (rows[0]?.n ?? 0) > 0
}

async function readApplied(q: Querier): Promise<AppliedRow[]> {
  return q.query(
    'schema_migrations_applied',
    'SELECT version, name, checksum FROM schema_migrations FINAL ORDER BY version',
    {},
    appliedRow,
  )
}

function buildPlan(files: MigrationFile[], applied: AppliedRow[], opts: MigrationOptions): MigrationPlan {
  const byVersion = new Map(applied.map((r) => [r.version, r]))
  const migrations = files.map((f): PlannedMigration => {
    const done = byVersion.get(f.version)
    if (done && done.checksum !== f.checksum) {
      throw new StoreError(
        `migration ${f.upFile} changed after it was applied (recorded sha256 ${done.checksum.slice(0, 12)}…, ` +
          `file sha256 ${f.checksum.slice(0, 12)}…); migrations are frozen: restore the file and add a new migration`,
        { exitCode: 1, context: { file: f.upFile } },
      )
    }
    const expanded = expandPlaceholders(
      f.upSql,
      opts.onCluster ? { onCluster: opts.onCluster } : {},
      f.upFile,
    )
    return {
      version: f.version,
      name: f.name,
      checksum: f.checksum,
      status: done ? 'applied' : 'pending',
      statements: splitStatements(expanded, f.upFile),
    }
  })
  const known = new Set(files.map((f) => f.version))
  return {
    migrations,
    pending: migrations.filter((m) => m.status === 'pending'),
    unknownApplied: applied.map((r) => r.version).filter((v) => !known.has(v)),
  }
}

/** What would run. Reads the store's record when it has one; creates nothing. */
export async function planMigrations(store: Store, opts: MigrationOptions = {}): Promise<MigrationPlan> {
  const q = createQuerier(store)
  const files = loadMigrations(opts.dir)
  const applied = (await bookkeepingExists(q)) ? await readApplied(q) : []
  return buildPlan(files, applied, opts)
}

/** The plan with nothing applied, for --dry when the store cannot be reached. */
export function planAllPending(opts: MigrationOptions = {}): MigrationPlan {
  return buildPlan(loadMigrations(opts.dir), [], opts)
}

export function describePlan(plan: MigrationPlan): string[] {
  const lines = plan.pending.map((m) => `apply ${m.name} (sha256 ${m.checksum.slice(0, 12)}…)`)
  if (lines.length === 0) lines.push(`up to date (${plan.migrations.length} applied)`)
  for (const v of plan.unknownApplied) {
    lines.push(
      `note: the store has migration ${String(v).padStart(4, '0')} applied, which this podstart does not know (newer schema)`,
    )
  }
  return lines
}

/** Applies pending migrations in order. Safe to run twice and from two processes at once. */
export async function migrate(store: Store, opts: MigrationOptions = {}): Promise<MigrationResult> {
  const log = opts.log ?? (() => {})
  const q = createQuerier(store)
  if (opts.dry) {
    const plan = await planMigrations(store, opts)
    for (const line of describePlan(plan)) log(line)
    return { plan, applied: [] }
  }
  // Validate files (names, duplicates, placeholders) before touching the store.
  loadMigrations(opts.dir).forEach((f) => {
    expandPlaceholders(f.upSql, opts.onCluster ? { onCluster: opts.onCluster } : {}, f.upFile)
  })
  if (opts.onCluster) {
    await q.command(`CREATE DATABASE IF NOT EXISTS ${store.database} ON CLUSTER '${opts.onCluster}'`)
  }
  for (const s of splitStatements(expandPlaceholders(BOOKKEEPING_SQL, opts, 'schema_migrations'))) {
    await q.command(s.sql)
  }
  const lock = await acquireLock(q, opts)
  try {
    const plan = buildPlan(loadMigrations(opts.dir), await readApplied(q), opts)
    for (const line of describePlan(plan)) log(line)
    const applied: string[] = []
    for (const m of plan.pending) {
      for (const s of m.statements) {
        try {
          await q.command(s.sql)
        } catch (err) {
          throw new StoreError(`migration ${m.name} failed at line ${s.line}: ${shortMessage(err)}`, {
            exitCode: (err as StoreError).exitCode ?? 1,
            context: { migration: m.name, line: s.line },
            cause: err,
          })
        }
      }
      await q.command(
        'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ({version:UInt32}, {name:String}, {checksum:String}, now64(3))',
        { version: m.version, name: m.name, checksum: m.checksum },
      )
      log(`applied ${m.name} (${m.statements.length} statements)`)
      applied.push(m.name)
    }
    // TTLs follow the table map's time column (0008 added retain_from), keeping the days in force.
    await alignRetentionColumns(store, { ...(opts.onCluster ? { onCluster: opts.onCluster } : {}), log })
    return { plan, applied }
  } finally {
    await lock.release()
  }
}

const CLAIM_SETTLE_MS = 200
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const lockHolderRow = z.object({ token: z.string(), holder: z.string() })

async function acquireLock(q: Querier, opts: MigrationOptions): Promise<{ release(): Promise<void> }> {
  const token = randomUUID()
  const leaseSeconds = Math.max(1, Math.round((opts.leaseMs ?? 600_000) / 1000))
  const timeoutMs = opts.lockTimeoutMs ?? 120_000
  const holder = `${hostname()}:${process.pid}`
  const params = { token, holder, lease: leaseSeconds }
  await q.command(
    `INSERT INTO schema_migrations_lock (token, holder, acquired_at, expires_at, released, version)
     SELECT {token:String}, {holder:String}, now64(3), now64(3) + toIntervalSecond({lease:UInt32}), 0, toUnixTimestamp64Milli(now64(3))`,
    params,
  )
  const release = async () => {
    await q.command(
      `INSERT INTO schema_migrations_lock (token, holder, acquired_at, expires_at, released, version)
       SELECT token, holder, acquired_at, expires_at, 1, version + 1
       FROM schema_migrations_lock FINAL WHERE token = {token:String}`,
      { token },
    )
  }
  const firstClaim = async () => {
    const rows = await q.query(
      'schema_migrations_lock_holder',
      `SELECT token, holder FROM schema_migrations_lock FINAL
       WHERE released = 0 AND expires_at > now64(3)
       ORDER BY acquired_at, token LIMIT 1`,
      {},
      lockHolderRow,
    )
    return rows[0]
  }
  const started = Date.now()
  let waitedFor: string | undefined
  for (;;) {
    let first = await firstClaim()
    if (!first || first.token === token) {
      // A claim stamped earlier may become visible a moment later (inserts race): look once more.
      await sleep(CLAIM_SETTLE_MS)
      first = await firstClaim()
      if (!first || first.token === token) return { release }
    }
    if (Date.now() - started > timeoutMs) {
      await release()
      throw new StoreError(
        `another migration runner (${first.holder}) holds the migration lock; gave up after ${timeoutMs} ms`,
        {
          retryable: true,
          exitCode: 1,
        },
      )
    }
    if (waitedFor !== first.token) {
      opts.log?.(`waiting for the migration lock held by ${first.holder}`)
      waitedFor = first.token
    }
    await sleep(100 + Math.random() * 150)
  }
}

export interface SchemaVersionStatus {
  /** Highest migration number recorded in the store (0 for an empty store). */
  applied: number
  /** Highest migration number this podstart ships. */
  latest: number
  /** Names of shipped migrations the store has not applied. */
  pending: string[]
}

export async function schemaVersionStatus(store: Store, dir?: string): Promise<SchemaVersionStatus> {
  const q = createQuerier(store)
  const files = loadMigrations(dir)
  const applied = (await bookkeepingExists(q)) ? await readApplied(q) : []
  const done = new Set(applied.map((r) => r.version))
  return {
    applied: applied.reduce((m, r) => Math.max(m, r.version), 0),
    latest: files.reduce((m, f) => Math.max(m, f.version), 0),
    pending: files.filter((f) => !done.has(f.version)).map((f) => f.name),
  }
}
