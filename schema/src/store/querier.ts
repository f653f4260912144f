// The narrow surface queries use: named queries, inserts and commands, with errors naming the query (never values).
import { Readable } from 'node:stream'
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

/**
 * Rows already encoded as JSONEachRow, one JSON object per line (no newline), each encoded once when its row
 * was made: the store takes the text as it is, with no second pass over the rows (no per-row encoding in the
 * client, no copy of the body into the statement on the embedded engine). A line may be a string or its UTF-8
 * bytes: a writer that keeps many rows queued keeps them as bytes, outside the JavaScript heap, so the garbage
 * collector never copies or marks them while they wait.
 */
export class JsonRows {
  constructor(readonly lines: readonly (string | Uint8Array)[]) {}

  get length(): number {
    return this.lines.length
  }

  /** The JSONEachRow body: every line, each ended by a newline. */
  text(): string {
    return this.body().toString('utf8')
  }

  /** The body as UTF-8 bytes, built with one copy of each line. */
  body(): Buffer {
    const lines = this.lines
    if (lines.length === 0) return Buffer.alloc(0)
    if (typeof lines[0] === 'string' && lines.every((l) => typeof l === 'string'))
      return Buffer.from(`${(lines as readonly string[]).join('\n')}\n`, 'utf8')
    let total = 0
    for (const l of lines) total += (typeof l === 'string' ? Buffer.byteLength(l, 'utf8') : l.byteLength) + 1
    const out = Buffer.allocUnsafe(total)
    let at = 0
    for (const l of lines) {
      if (typeof l === 'string') at += out.write(l, at, 'utf8')
      else {
        out.set(l, at)
        at += l.byteLength
      }
      out[at++] = 0x0a
    }
    return out
  }

  /** The rows as objects again (tests, and the rare row set aside with its content). */
  objects(): object[] {
    return this.lines.map(
      (l) => JSON.parse(typeof l === 'string' ? l : Buffer.from(l).toString('utf8')) as object,
    )
  }
}

export interface Querier {
  /** Runs a SELECT with native parameters ({name: Type}) and validates every row. */
  query<T>(name: string, sql: string, params: Record<string, unknown>, schema: z.ZodType<T>): Promise<T[]>
  /** Inserts rows as objects (encoded by the client) or already encoded (JsonRows), JSONEachRow either way. */
  insert(table: TableName, rows: readonly object[] | JsonRows, opts?: InsertOptions): Promise<void>
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
      // The token only means something to a server; the embedded engine has no replicated dedup window.
      const settings =
        opts?.dedupToken && store.mode === 'server'
          ? { clickhouse_settings: { insert_deduplication_token: opts.dedupToken } }
          : {}
      try {
        if (rows instanceof JsonRows) {
          const body = rows.body()
          if (store.rawInsert) await store.rawInsert(table, body)
          else {
            // A server takes the body as the request's, after the statement (no per-row encoding).
            const result = await client.exec({
              query: `INSERT INTO ${table} FORMAT JSONEachRow`,
              values: Readable.from([body]),
              ...settings,
            })
            result.stream.resume()
          }
        } else await client.insert({ table, values: rows as object[], format: 'JSONEachRow', ...settings })
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
      calls.push({ kind: 'insert', table, rows: rows instanceof JsonRows ? rows.objects() : [...rows] })
    },
    async command(sql, params) {
      calls.push({ kind: 'command', sql, ...(params ? { params } : {}) })
    },
  }
}
