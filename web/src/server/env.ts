// The dashboard's settings, read from process.env once and validated; nothing else in web/ reads process.env
// (the store's own settings, CLICKHOUSE_URL and friends, are read by @podstart/schema/store).
import { z } from 'zod'

const schema = z.object({
  /** Bearer token guarding every page and API (sent as `Authorization: Bearer`, or once as `?token=`). */
  PODSTART_DASHBOARD_TOKEN: z
    .string()
    .min(16, 'PODSTART_DASHBOARD_TOKEN must be at least 16 characters')
    .optional(),
  /** `user:pass` for HTTP basic auth, as an alternative or in addition to the token. */
  PODSTART_DASHBOARD_BASIC_AUTH: z
    .string()
    .regex(/^[^:]+:.+$/, 'PODSTART_DASHBOARD_BASIC_AUTH must be user:password')
    .optional(),
  /** Keep /api/health reachable without credentials (for probes); default true. */
  PODSTART_DASHBOARD_OPEN_HEALTH: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Evaluate the default view's advice when the server starts (`0` turns it off); default on. */
  PODSTART_ADVICE_WARMUP: z
    .enum(['0', '1'])
    .default('1')
    .transform((v) => v === '1'),
})

export type DashboardEnv = z.output<typeof schema>

/** Parses an environment; errors name the variable, never its value. */
export function parseDashboardEnv(env: Record<string, string | undefined>): DashboardEnv {
  const empty = (v: string | undefined) => (v === '' ? undefined : v)
  const r = schema.safeParse({
    PODSTART_DASHBOARD_TOKEN: empty(env.PODSTART_DASHBOARD_TOKEN),
    PODSTART_DASHBOARD_BASIC_AUTH: empty(env.PODSTART_DASHBOARD_BASIC_AUTH),
    PODSTART_DASHBOARD_OPEN_HEALTH: empty(env.PODSTART_DASHBOARD_OPEN_HEALTH),
    PODSTART_ADVICE_WARMUP: empty(env.PODSTART_ADVICE_WARMUP),
  })
  if (!r.success) {
    const issue = r.error.issues[0]
    throw new Error(`invalid dashboard setting ${issue?.path.join('.')}: ${issue?.message}`)
  }
  return r.data
}

let cached: DashboardEnv | undefined
export function dashboardEnv(): DashboardEnv {
  cached ??= parseDashboardEnv(process.env)
  return cached
}
