// The one access decision for podstart's HTTP surfaces: the dashboard (Next's proxy, web/proxy.ts) and the
// process's own routes (/metrics, /healthz, /readyz in collector/src/server/http.ts) both call decideAccess.
// Pure: no I/O, no process.env (callers pass the environment), so web and the collector share it.
import { z } from 'zod'

export const TOKEN_COOKIE = 'podstart_token'
/** The shortest accepted secret (dashboard token, metrics token, basic-auth password). */
export const MIN_SECRET_LENGTH = 16

/** Answered for probes without credentials; they say only "ok" or why the process is not ready. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz'])
export const METRICS_PATH = '/metrics'
export const ALLOWED_METHODS = 'GET, HEAD'

const secret = (name: string) =>
  z
    .string()
    .min(MIN_SECRET_LENGTH, `${name} must be at least ${MIN_SECRET_LENGTH} characters (it is shorter)`)
    .optional()

const schema = z.object({
  /** Bearer token guarding every page and API (sent as `Authorization: Bearer`, or once as `?token=`). */
  PODSTART_DASHBOARD_TOKEN: secret('PODSTART_DASHBOARD_TOKEN'),
  /** `user:password` for HTTP basic auth, as an alternative or in addition to the token. */
  PODSTART_DASHBOARD_BASIC_AUTH: z
    .string()
    .regex(/^[^:]+:.+$/, 'PODSTART_DASHBOARD_BASIC_AUTH must be user:password')
    .refine(
      (v) => v.slice(v.indexOf(':') + 1).length >= MIN_SECRET_LENGTH,
      `PODSTART_DASHBOARD_BASIC_AUTH: the password (after the first ":") must be at least ${MIN_SECRET_LENGTH} characters (it is shorter)`,
    )
    .optional(),
  /** Bearer token for /metrics alone (Prometheus), so the scraper needs no dashboard credential. */
  PODSTART_METRICS_TOKEN: secret('PODSTART_METRICS_TOKEN'),
  /** Keep /api/health reachable without credentials (for probes); default true. */
  PODSTART_DASHBOARD_OPEN_HEALTH: z
    .enum(['true', 'false'], 'PODSTART_DASHBOARD_OPEN_HEALTH must be true or false')
    .default('true')
    .transform((v) => v === 'true'),
})

export type AccessEnv = z.output<typeof schema>
export const ACCESS_VARIABLES = Object.keys(schema.shape) as (keyof typeof schema.shape)[]

/** A setting that cannot be used; the message names the variable and the rule, never the value. */
export class AccessSettingError extends Error {
  override name = 'AccessSettingError'
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message)
  }
}

/** Parses the access settings out of an environment; empty values count as unset. */
export function parseAccessEnv(env: Record<string, string | undefined>): AccessEnv {
  const input: Record<string, string | undefined> = {}
  for (const name of ACCESS_VARIABLES) input[name] = env[name] === '' ? undefined : env[name]
  const r = schema.safeParse(input)
  if (!r.success) {
    const issue = r.error.issues[0]
    const variable = String(issue?.path[0] ?? 'access setting')
    throw new AccessSettingError(variable, `invalid setting ${variable}: ${issue?.message}`)
  }
  return r.data
}

export interface AccessRequest {
  method: string
  pathname: string
  searchToken: string | null
  authorization: string | null
  cookieToken: string | null
}

export type AccessDecision =
  | { kind: 'allow' }
  | { kind: 'method-not-allowed' }
  | { kind: 'unauthorized'; basic: boolean }
  /** A valid `?token=`: set the cookie and redirect to the same URL without it. */
  | { kind: 'exchange-token' }

export interface AccessContext {
  /**
   * `main`: the dashboard's port (every route gated when a credential is configured). `metrics`: a listener
   * that serves only /metrics and the probes on its own address (open unless PODSTART_METRICS_TOKEN is set).
   */
  listener?: 'main' | 'metrics'
}

/** Compares in time independent of where the strings differ (length still leaks, which is fine for secrets of fixed form). */
export function sameSecret(a: string, b: string): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0)
  return diff === 0
}

function decodeBasic(header: string): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)
  if (!m?.[1]) return null
  try {
    return atob(m[1])
  } catch {
    return null
  }
}

const bearerOf = (authorization: string | null) => /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1]

export function decideAccess(req: AccessRequest, env: AccessEnv, ctx: AccessContext = {}): AccessDecision {
  // Read-only everywhere, probes and metrics included.
  if (req.method !== 'GET' && req.method !== 'HEAD') return { kind: 'method-not-allowed' }
  if (PROBE_PATHS.has(req.pathname)) return { kind: 'allow' }
  const token = env.PODSTART_DASHBOARD_TOKEN
  const basic = env.PODSTART_DASHBOARD_BASIC_AUTH
  const metricsToken = env.PODSTART_METRICS_TOKEN
  if (req.pathname === METRICS_PATH) {
    const bearer = bearerOf(req.authorization)
    if (metricsToken && bearer && sameSecret(bearer, metricsToken)) return { kind: 'allow' }
    if (ctx.listener === 'metrics')
      return metricsToken ? { kind: 'unauthorized', basic: false } : { kind: 'allow' }
    // On the dashboard's port: the dashboard's credentials also open /metrics; the metrics token alone closes it.
    if (!token && !basic) return metricsToken ? { kind: 'unauthorized', basic: false } : { kind: 'allow' }
  }
  if (!token && !basic) return { kind: 'allow' }
  if (req.pathname.startsWith('/_next/static/') || req.pathname === '/favicon.ico') return { kind: 'allow' }
  if (env.PODSTART_DASHBOARD_OPEN_HEALTH && req.pathname === '/api/health') return { kind: 'allow' }
  if (token) {
    const bearer = bearerOf(req.authorization)
    if (bearer && sameSecret(bearer, token)) return { kind: 'allow' }
    if (req.pathname !== METRICS_PATH && req.searchToken !== null && sameSecret(req.searchToken, token))
      return { kind: 'exchange-token' }
    if (req.cookieToken && sameSecret(req.cookieToken, token)) return { kind: 'allow' }
  }
  if (basic && req.authorization) {
    const given = decodeBasic(req.authorization)
    if (given !== null && sameSecret(given, basic)) return { kind: 'allow' }
  }
  return { kind: 'unauthorized', basic: basic !== undefined }
}

/** Reads the `podstart_token` cookie out of a Cookie header (for servers without a cookie parser). */
export function cookieToken(cookieHeader: string | undefined | null): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return null
      }
    }
  }
  return null
}
