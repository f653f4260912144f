// The dashboard's settings, read from process.env once and validated; nothing else in web/ reads process.env
// (the store's own settings, CLICKHOUSE_URL and friends, are read by @podstart/schema/store; the access
// settings' rules are in @podstart/schema/access, shared with the collector's HTTP server).
import { type AccessEnv, parseAccessEnv } from '@podstart/schema/access'
import { z } from 'zod'

const own = z.object({
  /** Evaluate the default view's advice when the server starts (`0` turns it off); default on. */
  PODSTART_ADVICE_WARMUP: z
    .enum(['0', '1'])
    .default('1')
    .transform((v) => v === '1'),
  /**
   * The alerts config of the collector this dashboard runs beside (`podstart up --alerts-config` sets it; set it
   * on a server-mode dashboard whose collector has one); unset: /alerts says no rules are evaluated here.
   */
  PODSTART_ALERTS_CONFIG: z.string().min(1).optional(),
})

export type DashboardEnv = AccessEnv & z.output<typeof own>

/** Parses an environment; errors name the variable, never its value. */
export function parseDashboardEnv(env: Record<string, string | undefined>): DashboardEnv {
  const access = parseAccessEnv(env)
  const r = own.safeParse({
    PODSTART_ADVICE_WARMUP: env.PODSTART_ADVICE_WARMUP === '' ? undefined : env.PODSTART_ADVICE_WARMUP,
    PODSTART_ALERTS_CONFIG: env.PODSTART_ALERTS_CONFIG === '' ? undefined : env.PODSTART_ALERTS_CONFIG,
  })
  if (!r.success) {
    const issue = r.error.issues[0]
    throw new Error(`invalid dashboard setting ${issue?.path.join('.')}: ${issue?.message}`)
  }
  return { ...access, ...r.data }
}

let cached: DashboardEnv | undefined
export function dashboardEnv(): DashboardEnv {
  cached ??= parseDashboardEnv(process.env)
  return cached
}
