// Alert configuration (YAML, validated with zod): rules with documented default thresholds, transports whose
// secrets (URLs, routing keys, tokens) come from the environment or files, and the weekly report schedule.
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'

/** A secret is never written in the config itself: `{ env: NAME }` or `{ file: PATH }`. */
export const secretRef = z.union([
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
])
export type SecretRef = z.infer<typeof secretRef>

const MB = 1e6
/** Default slow-pull thresholds per image-size class (heuristics: ~1-2 MB/s pulls of a class's upper size). */
export const DEFAULT_SIZE_CLASSES = [
  { name: 'lt-100MB', maxBytes: 100 * MB, slowMs: 30_000 },
  { name: '100-500MB', maxBytes: 500 * MB, slowMs: 90_000 },
  { name: '500MB-1GB', maxBytes: 1000 * MB, slowMs: 180_000 },
  { name: 'gt-1GB', maxBytes: null, slowMs: 300_000 },
]

const sizeClass = z.object({
  name: z.string().min(1),
  /** Upper bound (exclusive) of the class in bytes; null for the last, open class. */
  maxBytes: z.number().positive().nullable(),
  /** A pull (its own duration plus waiting) above this is slow. */
  slowMs: z.number().int().positive(),
})

export const rulesSchema = z
  .object({
    slowPull: z
      .object({
        enabled: z.boolean().default(true),
        /** Group slow pulls per namespace or per image. */
        per: z.enum(['namespace', 'image']).default('image'),
        sizeClasses: z.array(sizeClass).min(1).default(DEFAULT_SIZE_CLASSES),
        /** Pulls of unknown size are judged by this class. */
        unknownSizeClass: z.string().default('100-500MB'),
        /** The condition holds while a slow pull happened within this window; it resolves when none did. */
        windowMs: z.number().int().positive().default(600_000),
        /** Slow pulls within the window needed to fire. */
        minSlowPulls: z.number().int().positive().default(1),
      })
      .strict()
      .default({} as never),
    pullFailures: z
      .object({
        enabled: z.boolean().default(true),
        windowMs: z.number().int().positive().default(600_000),
        /** Failed or backed-off pulls of one image within the window needed to fire. */
        minFailures: z.number().int().positive().default(3),
      })
      .strict()
      .default({} as never),
    startupP90: z
      .object({
        enabled: z.boolean().default(true),
        /** Objective for every workload's startup p90 (ms); per-workload overrides as namespace/name. */
        objectiveMs: z.number().int().positive().default(60_000),
        objectives: z.record(z.string().regex(/^[^/]+\/[^/]+$/), z.number().int().positive()).default({}),
        windowMs: z.number().int().positive().default(3_600_000),
        minStartups: z.number().int().positive().default(20),
      })
      .strict()
      .default({} as never),
    nodeThroughput: z
      .object({
        enabled: z.boolean().default(true),
        windowMs: z.number().int().positive().default(3_600_000),
        /** A node whose median pull throughput is below this share of the cluster median has collapsed. */
        collapseRatio: z.number().positive().max(1).default(0.25),
        minPulls: z.number().int().positive().default(5),
      })
      .strict()
      .default({} as never),
  })
  .strict()

const transportBase = { name: z.string().min(1) }
export const transportSchema = z.discriminatedUnion('type', [
  z.object({ ...transportBase, type: z.literal('webhook'), url: secretRef }).strict(),
  z.object({ ...transportBase, type: z.literal('slack'), url: secretRef }).strict(),
  z
    .object({
      ...transportBase,
      type: z.literal('alertmanager'),
      /** Base URL of Alertmanager (the API path is appended). */
      url: secretRef,
      bearerToken: secretRef.optional(),
      /** Active alerts are re-sent this often so Alertmanager does not time them out. */
      resendIntervalMs: z.number().int().positive().default(60_000),
    })
    .strict(),
  z
    .object({
      ...transportBase,
      type: z.literal('pagerduty'),
      routingKey: secretRef,
      /** Events API endpoint; the default is PagerDuty's. */
      url: z.string().url().default('https://events.pagerduty.com/v2/enqueue'),
    })
    .strict(),
])
export type TransportConfig = z.infer<typeof transportSchema>

export const alertsConfigSchema = z
  .object({
    /** Link target of alerts and the report summary (the dashboard). */
    externalUrl: z.string().url().default('http://localhost:3000'),
    rules: rulesSchema.default({} as never),
    transports: z.array(transportSchema).default([]),
    /** Alertmanager-style grouping: one notification per distinct value of these labels. */
    groupBy: z.array(z.string()).default(['alertname', 'namespace']),
    delivery: z
      .object({
        maxAttempts: z.number().int().positive().default(6),
        initialBackoffMs: z.number().int().positive().default(1_000),
        maxBackoffMs: z.number().int().positive().default(60_000),
        timeoutMs: z.number().int().positive().default(10_000),
        /** At most this many notifications per transport per minute; the rest wait (latest state wins). */
        maxPerMinute: z.number().int().positive().default(20),
      })
      .strict()
      .default({} as never),
    report: z
      .object({
        /** Cron expression (UTC) of the weekly report delivery. */
        schedule: z.string().default('0 8 * * 1'),
        /** Transports (by name) that get the report summary; default all. */
        transports: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
export type AlertsConfig = z.infer<typeof alertsConfigSchema>
export type RulesConfig = AlertsConfig['rules']

export class AlertsConfigError extends Error {
  override name = 'AlertsConfigError'
}

export function parseAlertsConfig(raw: unknown, source = 'alerts config'): AlertsConfig {
  const parsed = alertsConfigSchema.safeParse(raw ?? {})
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 6)
      .map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new AlertsConfigError(`${source} is invalid:\n${issues.join('\n')}`)
  }
  const names = parsed.data.transports.map((t) => t.name)
  const dup = names.find((n, i) => names.indexOf(n) !== i)
  if (dup) throw new AlertsConfigError(`${source}: transport name "${dup}" is used twice`)
  return parsed.data
}

export function loadAlertsConfig(path: string): AlertsConfig {
  let raw: unknown
  try {
    raw = parseYaml(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new AlertsConfigError(`cannot read alerts config ${path}: ${(err as Error).message}`)
  }
  return parseAlertsConfig(raw, `alerts config ${path}`)
}

/** Reads a secret; the error names the reference, never a value. */
export function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const v = env[ref.env]
    if (!v) throw new AlertsConfigError(`secret environment variable ${ref.env} is not set`)
    return v.trim()
  }
  try {
    return readFileSync(ref.file, 'utf8').trim()
  } catch {
    throw new AlertsConfigError(`secret file ${ref.file} cannot be read`)
  }
}
