// The narrow surface queries use: named queries, inserts and commands, with errors naming the query (never values).
import { z } from 'zod'
import { StoreError, shortMessage } from './errors.ts'
import type { Store } from './open.ts'

/** Every table podstart writes; inserts name one of these, never a free string. */
export const TABLE_NAMES = [
  'pod_startups',
  'image_pulls',
  'pod_events',
  'schema_migrations',
  'schema_migrations_lock',
  'image_profiles',
  'nodes',
  'workload_images',
  'workload_rollouts',
  'kubelet_pull_histograms',
  'rejected_records',
  'import_runs',
] as const
export type TableName = (typeof TABLE_NAMES)[number]

export interface InsertOptions {
  /** Server-side insert deduplication token (ignored by engines that do not support it). */
  dedupToken?: string
}

export interface Querier {
  /** Runs a SELECT with native parameters ({name: Type}) and validates every row. */
  query<T>(name: string, sql: string, params: Record<string, unknown>, schema: z.ZodType<T>): Promise<T[]>
  insert(table: TableName, rows: object[], opts?: InsertOptions): Promise<void>
  command(sql: string, params?: Record<string, unknown>): Promise<void>
}

export class QueryError extends StoreError {
  override name = 'QueryError'
}

function queryFailed(name: string, err: unknown, store: Store): QueryError {
  const connection = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(
    (err as NodeJS.ErrnoException).code ?? '',
  )
  return new QueryError(`query ${name} failed on ${store.describe()}: ${shortMessage(err)}`, {
    retryable: connection,
    exitCode: connection ? 3 : 1,
    context: { query: name },
    cause: err,
  })
}

/** A command's name for errors: its first words, comments skipped (values are parameters, never in the text). */
function commandName(sql: string): string {
  const code = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
  return code
    .trim()
    .split(/[\s(]+/)
    .slice(0, 3)
    .join(' ')
}

export function createQuerier(store: Store): Querier {
  const client = store.client
  return {
    async query(name, sql, params, schema) {
      let raw: unknown[]
      try {
        const rs = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' })
        raw = await rs.json()
      } catch (err) {
        throw queryFailed(name, err, store)
      }
      const parsed = z.array(schema).safeParse(raw)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new QueryError(
          `query ${name} returned an unexpected row: ${issue?.path.join('.')} ${issue?.message ?? ''}`.trim(),
          { exitCode: 1, context: { query: name } },
        )
      }
      return parsed.data
    },
    async insert(table, rows, opts) {
      if (rows.length === 0) return
      try {
        await client.insert({
          table,
          values: rows,
          format: 'JSONEachRow',
          // The token only means something to a server; the embedded engine has no replicated dedup window.
          ...(opts?.dedupToken && store.mode === 'server'
            ? { clickhouse_settings: { insert_deduplication_token: opts.dedupToken } }
            : {}),
        })
      } catch (err) {
        throw queryFailed(`insert ${table}`, err, store)
      }
    },
    async command(sql, params) {
      try {
        await client.command({ query: sql, ...(params ? { query_params: params } : {}) })
      } catch (err) {
        throw queryFailed(commandName(sql), err, store)
      }
    },
  }
}

/** A Querier that records what it was asked and answers from a queue: for unit tests of query modules. */
export interface CapturedCall {
  kind: 'query' | 'insert' | 'command'
  name?: string
  sql?: string
  table?: TableName
  params?: Record<string, unknown>
  rows?: object[]
}

export function capturingQuerier(answers: unknown[][] = []): Querier & { calls: CapturedCall[] } {
  const calls: CapturedCall[] = []
  return {
    calls,
    async query(name, sql, params, schema) {
      calls.push({ kind: 'query', name, sql, params })
      return z.array(schema).parse(answers.shift() ?? [])
    },
    async insert(table, rows) {
      calls.push({ kind: 'insert', table, rows })
    },
    async command(sql, params) {
      calls.push({ kind: 'command', sql, ...(params ? { params } : {}) })
    },
  }
}
