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
})

export type DashboardEnv = AccessEnv & z.output<typeof own>

/** Parses an environment; errors name the variable, never its value. */
export function parseDashboardEnv(env: Record<string, string | undefined>): DashboardEnv {
  const access = parseAccessEnv(env)
  const r = own.safeParse({
    PODSTART_ADVICE_WARMUP: env.PODSTART_ADVICE_WARMUP === '' ? undefined : env.PODSTART_ADVICE_WARMUP,
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
