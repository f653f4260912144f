// The dashboard's access gate as a pure decision: read-only always; with a token or basic-auth configured,
// every request but static assets (and /api/health, for probes, unless turned off) must carry credentials.
import type { DashboardEnv } from './env.ts'

export const TOKEN_COOKIE = 'podstart_token'

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

export function decideAccess(req: AccessRequest, env: DashboardEnv): AccessDecision {
  if (req.method !== 'GET' && req.method !== 'HEAD') return { kind: 'method-not-allowed' }
  const token = env.PODSTART_DASHBOARD_TOKEN
  const basic = env.PODSTART_DASHBOARD_BASIC_AUTH
  if (!token && !basic) return { kind: 'allow' }
  if (req.pathname.startsWith('/_next/static/') || req.pathname === '/favicon.ico') return { kind: 'allow' }
  if (env.PODSTART_DASHBOARD_OPEN_HEALTH && req.pathname === '/api/health') return { kind: 'allow' }
  if (token) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.authorization ?? '')?.[1]
    if (bearer && sameSecret(bearer, token)) return { kind: 'allow' }
    if (req.searchToken !== null && sameSecret(req.searchToken, token)) return { kind: 'exchange-token' }
    if (req.cookieToken && sameSecret(req.cookieToken, token)) return { kind: 'allow' }
  }
  if (basic && req.authorization) {
    const given = decodeBasic(req.authorization)
    if (given !== null && sameSecret(given, basic)) return { kind: 'allow' }
  }
  return { kind: 'unauthorized', basic: basic !== undefined }
}
