import { describe, expect, it } from 'vitest'
import { type AccessRequest, AccessSettingError, cookieToken, decideAccess, parseAccessEnv } from './index.ts'

const TOKEN = 'dashboard-token-0123456789'
const METRICS = 'metrics-token-abcdefghij'
const req = (over: Partial<AccessRequest> = {}): AccessRequest => ({
  method: 'GET',
  pathname: '/',
  searchToken: null,
  authorization: null,
  cookieToken: null,
  ...over,
})
const bearer = (t: string) => `Bearer ${t}`

describe('access decision', () => {
  const open = parseAccessEnv({})
  const gated = parseAccessEnv({ PODSTART_DASHBOARD_TOKEN: TOKEN })
  const both = parseAccessEnv({ PODSTART_DASHBOARD_TOKEN: TOKEN, PODSTART_METRICS_TOKEN: METRICS })
  const metricsOnly = parseAccessEnv({ PODSTART_METRICS_TOKEN: METRICS })

  it('answers only GET and HEAD, on every route and listener, with or without credentials', () => {
    for (const env of [open, gated, both])
      for (const pathname of ['/', '/healthz', '/readyz', '/metrics', '/api/health', '/_next/static/a.js'])
        for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'])
          for (const listener of ['main', 'metrics'] as const)
            expect(
              decideAccess(req({ method, pathname, authorization: bearer(TOKEN) }), env, { listener }).kind,
              `${method} ${pathname}`,
            ).toBe('method-not-allowed')
    expect(decideAccess(req({ method: 'HEAD' }), open).kind).toBe('allow')
  })

  it('probes stay open to GET; /metrics follows the dashboard gate on the main port', () => {
    for (const pathname of ['/healthz', '/readyz'])
      expect(decideAccess(req({ pathname }), gated).kind).toBe('allow')
    expect(decideAccess(req({ pathname: '/metrics' }), open).kind).toBe('allow')
    expect(decideAccess(req({ pathname: '/metrics' }), gated).kind).toBe('unauthorized')
    expect(decideAccess(req({ pathname: '/metrics', authorization: bearer(TOKEN) }), gated).kind).toBe(
      'allow',
    )
    // ?token= is for browsers on pages, never on /metrics.
    expect(decideAccess(req({ pathname: '/metrics', searchToken: TOKEN }), gated).kind).toBe('unauthorized')
  })

  it('a metrics token opens /metrics alone and nothing else', () => {
    expect(decideAccess(req({ pathname: '/metrics', authorization: bearer(METRICS) }), both).kind).toBe(
      'allow',
    )
    expect(decideAccess(req({ pathname: '/', authorization: bearer(METRICS) }), both).kind).toBe(
      'unauthorized',
    )
    expect(decideAccess(req({ pathname: '/metrics', authorization: bearer(TOKEN) }), both).kind).toBe('allow')
    // Only a metrics token configured: pages are open, /metrics is not.
    expect(decideAccess(req({ pathname: '/' }), metricsOnly).kind).toBe('allow')
    expect(decideAccess(req({ pathname: '/metrics' }), metricsOnly).kind).toBe('unauthorized')
    expect(
      decideAccess(req({ pathname: '/metrics', authorization: bearer(`${METRICS}x`) }), metricsOnly).kind,
    ).toBe('unauthorized')
  })

  it('a metrics listener serves /metrics open unless a metrics token is set', () => {
    const m = { listener: 'metrics' } as const
    expect(decideAccess(req({ pathname: '/metrics' }), gated, m).kind).toBe('allow')
    expect(decideAccess(req({ pathname: '/metrics' }), both, m).kind).toBe('unauthorized')
    expect(decideAccess(req({ pathname: '/metrics', authorization: bearer(METRICS) }), both, m).kind).toBe(
      'allow',
    )
  })

  it('reads the token cookie out of a Cookie header', () => {
    expect(cookieToken(`a=1; podstart_token=${encodeURIComponent(TOKEN)}; b=2`)).toBe(TOKEN)
    expect(cookieToken('a=1')).toBeNull()
    expect(cookieToken(undefined)).toBeNull()
  })
})

describe('access settings', () => {
  const refused = (env: Record<string, string>) => {
    try {
      parseAccessEnv(env)
    } catch (err) {
      expect(err).toBeInstanceOf(AccessSettingError)
      return err as AccessSettingError
    }
    throw new Error('accepted')
  }

  it('refuses secrets under 16 characters, naming the variable and the rule but not the value', () => {
    for (const [variable, value] of [
      ['PODSTART_DASHBOARD_TOKEN', 'short-secret-15c'.slice(0, 15)],
      ['PODSTART_METRICS_TOKEN', 'abc'],
      ['PODSTART_DASHBOARD_BASIC_AUTH', 'sre:fifteen-chars'.slice(0, 14)],
    ] as const) {
      const err = refused({ [variable]: value })
      expect(err.variable).toBe(variable)
      expect(err.message).toContain(variable)
      expect(err.message).toContain('at least 16 characters')
      expect(err.message).not.toContain(value.slice(value.indexOf(':') + 1))
    }
    expect(refused({ PODSTART_DASHBOARD_BASIC_AUTH: 'no-colon-here-at-all' }).message).toContain(
      'user:password',
    )
    expect(refused({ PODSTART_DASHBOARD_OPEN_HEALTH: 'yes' }).variable).toBe('PODSTART_DASHBOARD_OPEN_HEALTH')
  })

  it('accepts 16 characters exactly, and empty values as unset', () => {
    expect(
      parseAccessEnv({ PODSTART_DASHBOARD_TOKEN: 'x'.repeat(16) }).PODSTART_DASHBOARD_TOKEN,
    ).toHaveLength(16)
    expect(
      parseAccessEnv({ PODSTART_DASHBOARD_BASIC_AUTH: `u:${'p'.repeat(16)}` }).PODSTART_DASHBOARD_BASIC_AUTH,
    ).toBe(`u:${'p'.repeat(16)}`)
    expect(parseAccessEnv({ PODSTART_METRICS_TOKEN: '' }).PODSTART_METRICS_TOKEN).toBeUndefined()
  })
})
