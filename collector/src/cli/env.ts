// Everything the CLI reads from the process environment, validated with zod in one place; nothing else in the
// collector reads process.env. Flags win over these everywhere. Blank values count as unset; booleans are
// `true` or `false`, as PODSTART_DASHBOARD_OPEN_HEALTH. The store's settings (CLICKHOUSE_URL and friends,
// PODSTART_DATA_DIR) are the store's own schema (@podstart/schema/store), the access settings are
// @podstart/schema/access, shared with the dashboard. Errors name the variable, never its value.
import path from 'node:path'
import { type AccessEnv, parseAccessEnv } from '@podstart/schema/access'
import { type StoreConfig, storeConfigFromEnv } from '@podstart/schema/store'
import { z } from 'zod'
import { DURATION_EXAMPLES, parseDuration } from '../durations.ts'
import { LOG_FORMATS, LOG_LEVELS } from '../observability/log.ts'
import { UsageError } from './args.ts'

const portNumber = (min: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a port number (${min}-65535)`)
    .transform(Number)
    .refine((n) => n >= min && n <= 65535, `must be a port number (${min}-65535)`)

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text)
  if (ms === null) ctx.addIssue({ code: 'custom', message: `must be ${DURATION_EXAMPLES}` })
  return ms ?? 0
})

const boolean = z.enum(['true', 'false'], 'must be true or false').transform((v) => v === 'true')

const cliEnvSchema = z.object({
  /** The dashboard's port in `up` when --port is not given (default 3000). */
  PORT: portNumber(0).optional(),
  /** `up`'s separate metrics port when --metrics-port is not given (default: none). */
  PODSTART_METRICS_PORT: portNumber(1).optional(),
  /** Address of `collect`'s metrics port and of `up --metrics-port` (default 127.0.0.1). */
  PODSTART_METRICS_HOST: z.string().optional(),
  /** How long SIGTERM may take in `up` and `collect` when --shutdown-timeout is not given (default 10s). */
  PODSTART_SHUTDOWN_TIMEOUT: duration.optional(),
  /** The cluster label of `collect` when --cluster is not given. */
  PODSTART_CLUSTER: z.string().optional(),
  /** The podstart config file of `migrate --retention` when --config is not given. */
  PODSTART_CONFIG: z.string().optional(),
  /** The downward API of the collector's own pod: the Lease's namespace and the replica's identity. */
  POD_NAMESPACE: z.string().optional(),
  POD_NAME: z.string().optional(),
  /** Kubeconfig files (path-delimited, as kubectl reads it); ~/.kube/config is looked at too. */
  KUBECONFIG: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(path.delimiter).filter(Boolean)),
  /** Set by Kubernetes in every pod: the in-cluster config can be used. */
  KUBERNETES_SERVICE_HOST: z.string().optional(),
  /** Print the stack trace of a failure after its one-line message (default false). */
  PODSTART_DEBUG: boolean.default(false),
  /** The lowest level logged (default info). */
  PODSTART_LOG_LEVEL: z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`).default('info'),
  /**
   * Longest input line read (a watch stream line, an NDJSON dump line, one item of a List dump), in bytes;
   * a longer one is skipped and counted (default 4 MiB, at least 64 KiB, at most 1 GiB).
   */
  PODSTART_MAX_LINE_BYTES: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of bytes')
    .transform(Number)
    .refine((n) => n >= 65_536 && n <= 1_073_741_824, 'must be between 65536 (64 KiB) and 1073741824 (1 GiB)')
    .optional(),
  /**
   * Workloads that keep a label of their own on /metrics (podstart_workload_phase_seconds): the N with most
   * startups in the last hour; the rest are counted as workload="other" (default 10, at most 500).
   */
  PODSTART_METRICS_TOP_WORKLOADS: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of workloads')
    .transform(Number)
    .refine((n) => n <= 500, 'must be at most 500 (each workload costs 152 series)')
    .optional(),
  /** Logs as JSON lines or readable text (default: text when the log stream is a terminal, else json). */
  PODSTART_LOG_FORMAT: z.enum(LOG_FORMATS, `must be one of ${LOG_FORMATS.join(', ')}`).optional(),
})

export type CliEnv = z.output<typeof cliEnvSchema>

const logEnvSchema = cliEnvSchema.pick({
  PODSTART_LOG_LEVEL: true,
  PODSTART_LOG_FORMAT: true,
  PODSTART_DEBUG: true,
})

function parseWith<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const present = Object.fromEntries(
    Object.keys(schema.shape).flatMap((k) => {
      const v = env[k]
      return v === undefined || v.trim() === '' ? [] : [[k, v]]
    }),
  )
  const r = schema.safeParse(present)
  if (!r.success) {
    const issue = r.error.issues[0]
    throw new UsageError(`invalid setting ${issue?.path.join('.')}: ${issue?.message}`)
  }
  return r.data
}

/** Parses an environment; a bad variable is a usage error naming it (never its value). */
export function parseCliEnv(env: Record<string, string | undefined>): CliEnv {
  return parseWith(cliEnvSchema, env)
}

let cached: CliEnv | undefined
/** The CLI's settings from process.env, parsed once when a command first asks (`analyze` never does). */
export function cliEnv(): CliEnv {
  cached ??= parseCliEnv(process.env)
  return cached
}

/** The logging settings alone: every command reads these before it runs. */
export function logEnv(env: Record<string, string | undefined> = process.env): z.output<typeof logEnvSchema> {
  return parseWith(logEnvSchema, env)
}

const inputEnvSchema = cliEnvSchema.pick({ PODSTART_MAX_LINE_BYTES: true })

/** The input settings alone (`analyze` and `import` read these without the rest). */
export function inputEnv(
  env: Record<string, string | undefined> = process.env,
): z.output<typeof inputEnvSchema> {
  return parseWith(inputEnvSchema, env)
}

/** Store settings (CLICKHOUSE_URL and friends, PODSTART_DATA_DIR), with `--data` when given. */
export function storeConfig(dataDir?: string): StoreConfig {
  return storeConfigFromEnv(process.env, dataDir ? { dataDir } : {})
}

/**
 * The access settings (PODSTART_DASHBOARD_TOKEN, _BASIC_AUTH, _OPEN_HEALTH, PODSTART_METRICS_TOKEN),
 * validated: a bad one throws a usage error naming the variable and the rule, never the value.
 */
export function accessEnv(): AccessEnv {
  try {
    return parseAccessEnv(process.env)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

/**
 * The variables a config file names: PODSTART_RETENTION_<TABLE>_DAYS overrides and the `{ env: NAME }`
 * secrets of alert transports. Their names are not known here, so readers take the environment as a whole.
 */
export function namedByConfig(): Readonly<Record<string, string | undefined>> {
  return process.env
}
