// Opens the store: embedded chDB in this process (default) or a ClickHouse server over HTTP(S).
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  type ClickHouseClient,
  ClickHouseLogLevel,
  type ClickHouseSettings,
  createClient,
} from '@clickhouse/client'
import { redactUrl, type StoreConfig } from './env.ts'
import { StoreError, shortMessage } from './errors.ts'

export interface Store {
  mode: 'embedded' | 'server'
  client: ClickHouseClient
  /** Database holding podstart's tables; also the session's/client's default database. */
  database: string
  /** Where the store is, without secrets: "embedded store at /dir" or "ClickHouse at https://host:8443". */
  describe(): string
  close(): Promise<void>
  ping(): Promise<void>
  /**
   * Embedded only: an insert of a JSONEachRow body handed to the engine as it is (the bytes are not copied
   * into the statement text; the engine parses them off the event loop's thread).
   */
  rawInsert?(table: string, body: Buffer): Promise<void>
}

/**
 * Set on the client, never per query: chDB keeps per-query settings for the rest of its session.
 * Quoting 64-bit integers makes the embedded engine answer like a server does (strings).
 */
export const CLIENT_SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 1,
  // The query condition cache (on by default since ClickHouse 25.3) skips granules a filter once matched nothing
  // in; on this engine it skipped rows of a later query whose filter differed only in a parameter (a node
  // filter, then none: the whole open hour gone; test/query-condition-cache.int.test.ts). Wrong numbers cost more
  // than the re-read it saves.
  use_query_condition_cache: 0,
  // Accepts the contract's ISO times ('2024-01-02T03:04:05.678Z') in JSONEachRow inserts.
  date_time_input_format: 'best_effort',
}

export async function openStore(config: StoreConfig): Promise<Store> {
  return config.url ? openServer(config, config.url) : openEmbedded(config)
}

function lockedMessage(dir: string): string {
  return `the embedded store at ${dir} is in use by another podstart process (one process per data directory); stop it or use --data DIR`
}

/**
 * chDB prints its lock failure straight to the process's stderr and throws a generic error, so a
 * live holder is detected first from the status file the engine writes (PID of the holder) and
 * removes on a clean close. A stale file left by a killed process names a dead PID and is ignored.
 */
function liveHolderPid(dir: string): number | undefined {
  let text: string
  try {
    text = readFileSync(join(dir, 'status'), 'utf8')
  } catch {
    return undefined
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1])
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined
  try {
    process.kill(pid, 0)
    return pid
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined
  }
}

async function openEmbedded(config: StoreConfig): Promise<Store> {
  const dir = config.dataDir
  const holder = liveHolderPid(dir)
  if (holder !== undefined) {
    throw new StoreError(lockedMessage(dir), {
      retryable: true,
      context: { dataDir: dir, holderPid: holder },
    })
  }
  mkdirSync(dir, { recursive: true })
  // Loaded lazily: server mode never needs the 500 MB engine in memory.
  const { createChdbConnection } = await import('chdb/connection')
  let connection: ReturnType<typeof createChdbConnection>
  try {
    connection = createChdbConnection({ path: dir })
  } catch (err) {
    if (liveHolderPid(dir) !== undefined || /Cannot lock file/.test(String((err as Error).message))) {
      throw new StoreError(lockedMessage(dir), { retryable: true, context: { dataDir: dir }, cause: err })
    }
    throw new StoreError(`cannot open the embedded store at ${dir}: ${shortMessage(err)}`, {
      context: { dataDir: dir },
      cause: err,
    })
  }
  const client = createClient({
    // The client bundles its own copy of the Connection type, hence the cast.
    // biome-ignore lint/suspicious/noExplicitAny: see above
    connection: connection as any,
    clickhouse_settings: CLIENT_SETTINGS,
    log: { level: ClickHouseLogLevel.OFF },
  })
  const db = config.database
  try {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` })
    // A chDB session keeps its current database, so unqualified table names resolve as on a server.
    await client.command({ query: `USE ${db}` })
  } catch (err) {
    await client.close().catch(() => {})
    throw new StoreError(`cannot open the embedded store at ${dir}: ${shortMessage(err)}`, {
      context: { dataDir: dir },
      cause: err,
    })
  }
  const store = makeStore('embedded', client, db, `embedded store at ${dir}`)
  const engine = connection.chdb
  store.rawInsert = async (table, body) => {
    // The client's settings, said again: a raw insert does not go through the client.
    await engine.rawInsert({
      table: `${db}.${table}`,
      values: body,
      format: 'JSONEachRow',
      settings: { date_time_input_format: 'best_effort' },
    })
  }
  return store
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file)
  } catch (err) {
    throw new StoreError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
      exitCode: 1,
    })
  }
}

async function openServer(config: StoreConfig, url: string): Promise<Store> {
  const where = redactUrl(url)
  const tls = config.tls
    ? config.tls.certFile && config.tls.keyFile
      ? {
          ca_cert: readPem(config.tls.caFile, 'CLICKHOUSE_TLS_CA_FILE'),
          cert: readPem(config.tls.certFile, 'CLICKHOUSE_TLS_CERT_FILE'),
          key: readPem(config.tls.keyFile, 'CLICKHOUSE_TLS_KEY_FILE'),
        }
      : { ca_cert: readPem(config.tls.caFile, 'CLICKHOUSE_TLS_CA_FILE') }
    : undefined
  const base = {
    url,
    username: config.user ?? 'default',
    password: config.password ?? '',
    clickhouse_settings: CLIENT_SETTINGS,
    log: { level: ClickHouseLogLevel.OFF },
    request_timeout: 30_000,
    ...(tls ? { tls } : {}),
  }
  const unreachable = (err: unknown) => {
    const e = err as NodeJS.ErrnoException
    // Never echo the password, even if a server error message quotes it back.
    let msg = shortMessage(err)
    if (config.password) msg = msg.split(config.password).join('***')
    return new StoreError(
      `cannot reach ClickHouse at ${where}: ${e.code && !msg.includes(e.code) ? `${e.code} ` : ''}${msg}`,
      {
        retryable: true,
        context: { url: where },
      },
    )
  }
  // The database may not exist yet: create it through a client without a default database. A server older than a
  // setting podstart turns off (use_query_condition_cache, 25.3) does not know it: the settings it knows are kept.
  const bootstrap = createClient({ ...base, clickhouse_settings: {} })
  let knownSettings: ClickHouseSettings | undefined
  try {
    const ping = await bootstrap.ping()
    if (!ping.success) throw unreachable(ping.error)
    const names = Object.keys(CLIENT_SETTINGS)
    const known = await bootstrap.query({
      query: 'SELECT name FROM system.settings WHERE name IN {names:Array(String)}',
      query_params: { names },
      format: 'JSONEachRow',
    })
    const have = new Set(((await known.json()) as { name: string }[]).map((r) => r.name))
    knownSettings = Object.fromEntries(
      Object.entries(CLIENT_SETTINGS).filter(([k]) => have.has(k)),
    ) as ClickHouseSettings
    // Look first: a user allowed to write tables may lack the right to CREATE DATABASE.
    const found = await bootstrap.query({
      query: 'SELECT count() AS n FROM system.databases WHERE name = {db:String}',
      query_params: { db: config.database },
      format: 'JSONEachRow',
    })
    const [row] = (await found.json()) as { n: string | number }[]
    if (Number(row?.n ?? 0) === 0) {
      await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.database}` })
    }
  } catch (err) {
    throw err instanceof StoreError ? err : unreachable(err)
  } finally {
    await bootstrap.close().catch(() => {})
  }
  const client = createClient({
    ...base,
    clickhouse_settings: knownSettings ?? base.clickhouse_settings,
    database: config.database,
  })
  return makeStore('server', client, config.database, `ClickHouse at ${where}`)
}

function makeStore(mode: Store['mode'], client: ClickHouseClient, database: string, where: string): Store {
  let closed = false
  return {
    mode,
    client,
    database,
    describe: () => `${where} (database ${database})`,
    async close() {
      if (closed) return
      closed = true
      await client.close()
    },
    async ping() {
      const r = await client.ping()
      if (!r.success)
        throw new StoreError(`${where} is not answering: ${shortMessage(r.error)}`, { retryable: true })
    },
  }
}

/** True when a directory already holds an embedded store (used to say "new store" vs "existing"). */
export function embeddedStoreExists(dir: string): boolean {
  return existsSync(join(dir, 'metadata'))
}
