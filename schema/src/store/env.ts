// Store settings from the environment: the only place in the schema package that reads process.env.
import { resolve } from 'node:path'
import { z } from 'zod'

const storeEnvSchema = z.object({
  /** Embedded store directory (chDB data), resolved from the working directory. */
  PODSTART_DATA_DIR: z.string().min(1).default('./.podstart'),
  /** A ClickHouse server's HTTP(S) URL; when set, the store runs in server mode instead of embedded. */
  CLICKHOUSE_URL: z.url({ protocol: /^https?$/ }).optional(),
  CLICKHOUSE_USER: z.string().optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  /** Database holding podstart's tables (created when missing). */
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
    .default('podstart'),
  /** PEM files for TLS to the server: CA alone, or CA + client certificate + key for mutual TLS. */
  CLICKHOUSE_TLS_CA_FILE: z.string().optional(),
  CLICKHOUSE_TLS_CERT_FILE: z.string().optional(),
  CLICKHOUSE_TLS_KEY_FILE: z.string().optional(),
})

export interface StoreTls {
  caFile: string
  certFile?: string
  keyFile?: string
}

export interface StoreConfig {
  /** Absolute path of the embedded store directory (used when url is unset). */
  dataDir: string
  /** Server URL without credentials; unset means embedded mode. */
  url?: string
  user?: string
  password?: string
  database: string
  tls?: StoreTls
}

/** Builds the store config from env (blank values count as unset), then applies overrides such as --data. */
export function storeConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<StoreConfig> = {},
): StoreConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  )
  const parsed = storeEnvSchema.safeParse(present)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`invalid store settings: ${issues}`)
  }
  const e = parsed.data
  if ((e.CLICKHOUSE_TLS_CERT_FILE || e.CLICKHOUSE_TLS_KEY_FILE) && !e.CLICKHOUSE_TLS_CA_FILE) {
    throw new Error('invalid store settings: CLICKHOUSE_TLS_CERT_FILE/KEY_FILE need CLICKHOUSE_TLS_CA_FILE')
  }
  if (Boolean(e.CLICKHOUSE_TLS_CERT_FILE) !== Boolean(e.CLICKHOUSE_TLS_KEY_FILE)) {
    throw new Error(
      'invalid store settings: CLICKHOUSE_TLS_CERT_FILE and CLICKHOUSE_TLS_KEY_FILE go together',
    )
  }
  const config: StoreConfig = {
    dataDir: resolve(e.PODSTART_DATA_DIR),
    database: e.CLICKHOUSE_DATABASE,
  }
  if (e.CLICKHOUSE_URL) {
    // Credentials embedded in the URL move to user/password so the URL itself can be printed.
    const u = new URL(e.CLICKHOUSE_URL)
    config.user = e.CLICKHOUSE_USER ?? (u.username ? decodeURIComponent(u.username) : undefined)
    config.password = e.CLICKHOUSE_PASSWORD ?? (u.password ? decodeURIComponent(u.password) : undefined)
    u.username = ''
    u.password = ''
    config.url = u.toString().replace(/\/$/, '')
  }
  if (e.CLICKHOUSE_TLS_CA_FILE) {
    config.tls = { caFile: e.CLICKHOUSE_TLS_CA_FILE }
    if (e.CLICKHOUSE_TLS_CERT_FILE) config.tls.certFile = e.CLICKHOUSE_TLS_CERT_FILE
    if (e.CLICKHOUSE_TLS_KEY_FILE) config.tls.keyFile = e.CLICKHOUSE_TLS_KEY_FILE
  }
  const out = { ...config, ...overrides }
  if (overrides.dataDir) out.dataDir = resolve(overrides.dataDir)
  for (const k of Object.keys(out) as (keyof StoreConfig)[]) if (out[k] === undefined) delete out[k]
  return out
}

/** A URL safe to print: no user, no password, no query string. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`
  } catch {
    return '<invalid url>'
  }
}
