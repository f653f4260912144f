// Retention: how many days each table keeps its rows, from config (YAML `retention:` or env), applied as
// ALTER TABLE ... MODIFY TTL. Table and column names come from the typed map below, days are validated integers.
import { z } from 'zod'
import { StoreError } from './errors.ts'
import type { Store } from './open.ts'
import { createQuerier, type Querier } from './querier.ts'
import { expandPlaceholders } from './sql-text.ts'

/**
 * Tables with a TTL: the immutable time column the TTL counts from (`wrap`: a DateTime64 column is cast with
 * toDateTime, as in the migrations), and the default the migrations create. Startups, pulls and their rollups
 * count from `retain_from` (migration 0008: the row's own time, or the import time of a dump imported with
 * --keep-old). Bookkeeping tables (schema_migrations*, startup_rollup_builds/dirty, startup_rollup_day_builds,
 * import_runs) keep their own fixed TTLs.
 */
export const RETENTION_TABLES = {
  pod_startups: { column: 'retain_from', defaultDays: 180, wrap: false },
  image_pulls: { column: 'retain_from', defaultDays: 180, wrap: false },
  pod_events: { column: 'observed_at', defaultDays: 14 },
  image_profiles: { column: 'measured_at', defaultDays: 365 },
  workload_images: { column: 'last_seen_at', defaultDays: 90 },
  workload_rollouts: { column: 'started_at', defaultDays: 180 },
  kubelet_pull_histograms: { column: 'scraped_at', defaultDays: 30 },
  startup_rollup_hourly: { column: 'retain_from', defaultDays: 180, wrap: false },
  startup_rollup_grains: { column: 'retain_from', defaultDays: 180, wrap: false },
  pull_rollup_grains: { column: 'retain_from', defaultDays: 180, wrap: false },
  startup_image_grains: { column: 'retain_from', defaultDays: 180, wrap: false },
  pull_group_grains: { column: 'retain_from', defaultDays: 180, wrap: false },
  startup_rollup_day_grains: { column: 'retain_from', defaultDays: 180, wrap: false },
  pull_rollup_day_grains: { column: 'retain_from', defaultDays: 180, wrap: false },
  pull_minute_grains: { column: 'retain_from', defaultDays: 180, wrap: false },
  alerts: { column: 'starts_at', defaultDays: 90 },
  rejected_records: { column: 'rejected_at', defaultDays: 30 },
} as const satisfies Record<string, { column: string; defaultDays: number; wrap?: false }>

export type RetentionTable = keyof typeof RETENTION_TABLES
export type RetentionDays = Record<RetentionTable, number>

/** Longest retention accepted (100 years): anything longer is a typo, not a policy. */
export const MAX_RETENTION_DAYS = 36_500

const TABLES = Object.keys(RETENTION_TABLES) as RetentionTable[]

const daysSchema = z
  .union([z.number(), z.string().regex(/^\s*\d+\s*$/, 'must be a whole number of days')])
  .transform((v) => Number(v))
  .pipe(z.number().int('must be a whole number of days').min(1).max(MAX_RETENTION_DAYS))

export function defaultRetention(): RetentionDays {
  return Object.fromEntries(TABLES.map((t) => [t, RETENTION_TABLES[t].defaultDays])) as RetentionDays
}

/**
 * Days per table from the `retention:` section of the config file (a map of table -> days) and then env
 * PODSTART_RETENTION_<TABLE>_DAYS (env wins). Unknown tables and bad values are errors naming the key.
 */
export function retentionFromConfig(
  section: unknown,
  env: Record<string, string | undefined> = {},
  where = 'retention',
): RetentionDays {
  const days = defaultRetention()
  if (section !== undefined && section !== null) {
    if (typeof section !== 'object' || Array.isArray(section)) {
      throw new StoreError(`${where} must be a map of table: days`, { exitCode: 1 })
    }
    for (const [table, value] of Object.entries(section)) {
      if (!(table in RETENTION_TABLES)) {
        throw new StoreError(`${where}.${table}: not a table with retention (known: ${TABLES.join(', ')})`, {
          exitCode: 1,
        })
      }
      days[table as RetentionTable] = parseDays(value, `${where}.${table}`)
    }
  }
  for (const table of TABLES) {
    const key = `PODSTART_RETENTION_${table.toUpperCase()}_DAYS`
    const value = env[key]
    if (value !== undefined && value.trim() !== '') days[table] = parseDays(value, key)
  }
  return days
}

function parseDays(value: unknown, where: string): number {
  const parsed = daysSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new StoreError(
      `${where}: ${issue?.code === 'too_big' || issue?.code === 'too_small' ? `must be between 1 and ${MAX_RETENTION_DAYS} days` : (issue?.message ?? 'invalid')} (got ${JSON.stringify(value)})`,
      { exitCode: 1 },
    )
  }
  return parsed.data
}

/** The TTL expression of a table as the engine prints it back (engine_full), for comparison. */
function ttlExpression(table: RetentionTable, days: number): string {
  return `${ttlTime(table)} + toIntervalDay(${days})`
}

/** The time expression a table's TTL counts from, as the engine prints it. */
export function ttlTime(table: RetentionTable): string {
  const spec: { column: string; wrap?: false } = RETENTION_TABLES[table]
  return spec.wrap === false ? spec.column : `toDateTime(${spec.column})`
}

/** The statements that set each table's TTL; `{on_cluster}` expands as in migrations. */
export function retentionStatements(days: RetentionDays, opts: { onCluster?: string } = {}): string[] {
  return TABLES.map((table) => retentionStatement(table, days[table], opts))
}

function retentionStatement(table: RetentionTable, n: number, opts: { onCluster?: string }): string {
  if (!Number.isInteger(n) || n < 1 || n > MAX_RETENTION_DAYS) {
    throw new StoreError(`retention for ${table} must be an integer number of days, got ${n}`, {
      exitCode: 1,
    })
  }
  // Existing parts keep their old TTL until merged: rewriting every part of a large table at once is
  // what materialize_ttl_after_modify would do, and what an operator should choose deliberately.
  return expandPlaceholders(
    `ALTER TABLE ${table}{on_cluster} MODIFY TTL ${ttlTime(table)} + INTERVAL ${n} DAY SETTINGS materialize_ttl_after_modify = 0`,
    opts.onCluster ? { onCluster: opts.onCluster } : {},
    'retention',
  )
}

export interface RetentionChange {
  table: RetentionTable
  days: number
  /** false when the table already had this TTL (nothing was sent). */
  changed: boolean
}

const engineRow = z.object({ name: z.string(), engine_full: z.string() })

/** Applies the TTLs that differ from what the store has; tables not created yet are an error (migrate first). */
export async function applyRetention(
  store: Store,
  days: RetentionDays,
  opts: { onCluster?: string; log?: (line: string) => void } = {},
): Promise<RetentionChange[]> {
  const q = createQuerier(store)
  const rows = await q.query(
    'retention_current',
    'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN {tables:Array(String)}',
    { tables: TABLES },
    engineRow,
  )
  const current = new Map(rows.map((r) => [r.name, r.engine_full]))
  const statements = retentionStatements(days, opts)
  const changes: RetentionChange[] = []
  for (const [i, table] of TABLES.entries()) {
    const engine = current.get(table)
    if (engine === undefined) {
      throw new StoreError(
        `table ${table} does not exist; run "podstart migrate" before applying retention`,
        {
          exitCode: 1,
        },
      )
    }
    const wanted = ttlExpression(table, days[table])
    const changed = !engine.includes(`TTL ${wanted}`)
    if (changed) {
      await q.command(statements[i] as string)
      opts.log?.(`retention: ${table} keeps ${days[table]} days`)
    }
    changes.push({ table, days: days[table], changed })
  }
  return changes
}

/** A table's TTL as the store has it: the time expression it counts from and its days; null without a TTL. */
export interface TtlInForce {
  time: string
  days: number
}

const TTL_CLAUSE = /\bTTL (.+?) \+ toIntervalDay\((\d+)\)/

/** Parses the TTL clause of a table's engine_full (`TTL <time> + toIntervalDay(<days>)`). */
export function parseTtl(engineFull: string): TtlInForce | null {
  const m = TTL_CLAUSE.exec(engineFull)
  return m ? { time: m[1] as string, days: Number(m[2]) } : null
}

/**
 * The retention of a table in force in the store (days of its TTL), falling back to the documented default when
 * the table is missing or its TTL cannot be read.
 */
export async function retentionInForce(
  q: Querier,
  table: RetentionTable,
): Promise<{ days: number; fromStore: boolean }> {
  const rows = await q.query(
    'retention_in_force',
    'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
    { table },
    engineRow,
  )
  const ttl = rows[0] ? parseTtl(rows[0].engine_full) : null
  return ttl
    ? { days: ttl.days, fromStore: true }
    : { days: RETENTION_TABLES[table].defaultDays, fromStore: false }
}

const columnRow = z.object({ table: z.string(), name: z.string() })

/**
 * Points each TTL at the time column the table map names, keeping the days the table has in force (a table whose
 * column was added by a later migration, e.g. retain_from in 0008, moves once). Tables missing, or without the
 * column yet, are left alone. Run by the migration runner after the files; returns the tables moved.
 */
export async function alignRetentionColumns(
  store: Store,
  opts: { onCluster?: string; log?: (line: string) => void } = {},
): Promise<RetentionChange[]> {
  const q = createQuerier(store)
  const tables = await q.query(
    'retention_align_tables',
    'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN {tables:Array(String)}',
    { tables: TABLES },
    engineRow,
  )
  const columns = await q.query(
    'retention_align_columns',
    `SELECT table, name FROM system.columns
     WHERE database = currentDatabase() AND table IN {tables:Array(String)} AND name IN {columns:Array(String)}`,
    { tables: TABLES, columns: [...new Set(TABLES.map((t) => RETENTION_TABLES[t].column))] },
    columnRow,
  )
  const has = new Set(columns.map((c) => `${c.table}.${c.name}`))
  const moved: RetentionChange[] = []
  for (const table of TABLES) {
    const engine = tables.find((t) => t.name === table)?.engine_full
    if (engine === undefined || !has.has(`${table}.${RETENTION_TABLES[table].column}`)) continue
    const ttl = parseTtl(engine)
    if (ttl && ttl.time === ttlTime(table)) continue
    const days = ttl?.days ?? RETENTION_TABLES[table].defaultDays
    await q.command(retentionStatement(table, days, opts))
    opts.log?.(`retention: ${table} counts from ${ttlTime(table)}, keeping ${days} days`)
    moved.push({ table, days, changed: true })
  }
  return moved
}
