import { describe, expect, it } from 'vitest'
import { type AccessRequest, decideAccess, sameSecret } from './access.ts'
import { parseDashboardEnv } from './env.ts'

const TOKEN = 'correct-horse-battery-staple'
const req = (over: Partial<AccessRequest> = {}): AccessRequest => ({
  method: 'GET',
  pathname: '/',
  searchToken: null,
  authorization: null,
  cookieToken: null,
  ...over,
})

describe('dashboard access gate', () => {
  it('is read-only even when open', () => {
    const env = parseDashboardEnv({})
    expect(decideAccess(req(), env)).toEqual({ kind: 'allow' })
    expect(decideAccess(req({ method: 'POST' }), env)).toEqual({ kind: 'method-not-allowed' })
    expect(decideAccess(req({ method: 'DELETE', pathname: '/api/health' }), env).kind).toBe(
      'method-not-allowed',
    )
  })

  it('with a token: refuses without it, accepts bearer, exchanges ?token= once, then the cookie', () => {
    const env = parseDashboardEnv({ PODSTART_DASHBOARD_TOKEN: TOKEN })
    expect(decideAccess(req(), env)).toEqual({ kind: 'unauthorized', basic: false })
    expect(decideAccess(req({ authorization: `Bearer ${TOKEN}x` }), env).kind).toBe('unauthorized')
    expect(decideAccess(req({ authorization: `Bearer ${TOKEN}` }), env).kind).toBe('allow')
    expect(decideAccess(req({ searchToken: TOKEN }), env).kind).toBe('exchange-token')
    expect(decideAccess(req({ searchToken: 'wrong' }), env).kind).toBe('unauthorized')
    expect(decideAccess(req({ cookieToken: TOKEN, pathname: '/api/anything' }), env).kind).toBe('allow')
    expect(decideAccess(req({ pathname: '/_next/static/chunks/a.js' }), env).kind).toBe('allow')
    expect(decideAccess(req({ pathname: '/api/health' }), env).kind).toBe('allow')
  })

  it('closes /api/health too when asked', () => {
    const env = parseDashboardEnv({
      PODSTART_DASHBOARD_TOKEN: TOKEN,
      PODSTART_DASHBOARD_OPEN_HEALTH: 'false',
    })
    expect(decideAccess(req({ pathname: '/api/health' }), env).kind).toBe('unauthorized')
  })

  it('with basic auth: asks for it and checks user and password', () => {
    const env = parseDashboardEnv({ PODSTART_DASHBOARD_BASIC_AUTH: 'sre:s3cret:with:colons' })
    expect(decideAccess(req(), env)).toEqual({ kind: 'unauthorized', basic: true })
    const basic = (s: string) => `Basic ${btoa(s)}`
    expect(decideAccess(req({ authorization: basic('sre:s3cret:with:colons') }), env).kind).toBe('allow')
    expect(decideAccess(req({ authorization: basic('sre:s3cret') }), env).kind).toBe('unauthorized')
    expect(decideAccess(req({ authorization: 'Basic !!!' }), env).kind).toBe('unauthorized')
  })

  it('rejects bad settings naming the variable but not the value', () => {
    expect(() => parseDashboardEnv({ PODSTART_DASHBOARD_TOKEN: 'short-secret' })).toThrow(
      /PODSTART_DASHBOARD_TOKEN must be at least 16/,
    )
    expect(() => parseDashboardEnv({ PODSTART_DASHBOARD_BASIC_AUTH: 'nopass' })).not.toThrow(/nopass/)
    expect(sameSecret('abc', 'abc')).toBe(true)
    expect(sameSecret('abc', 'abd')).toBe(false)
    expect(sameSecret('abc', 'abcd')).toBe(false)
  })
})
