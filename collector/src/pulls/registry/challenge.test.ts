import { describe, expect, it } from 'vitest'
import { parseWwwAuthenticate } from './challenge.ts'

describe('parseWwwAuthenticate', () => {
  it('reads a Docker Hub bearer challenge', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull',
        },
      },
    ])
  })
  it('keeps commas and spaces inside quoted values, unescapes quotes, lower-cases names', () => {
    const [c] = parseWwwAuthenticate(
      'bearer Realm="https://r/t?a=1,b=2", scope="repository:a:pull repository:b:pull", error="x \\"y\\""',
    )
    expect(c).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://r/t?a=1,b=2', scope: 'repository:a:pull repository:b:pull', error: 'x "y"' },
    })
  })
  it('reads basic challenges, unquoted values, and several challenges in one header', () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ])
    expect(parseWwwAuthenticate('Basic realm=reg, Bearer realm="https://t/token",service=svc')).toEqual([
      { scheme: 'basic', params: { realm: 'reg' } },
      { scheme: 'bearer', params: { realm: 'https://t/token', service: 'svc' } },
    ])
  })
  it('returns nothing for an empty header', () => {
    expect(parseWwwAuthenticate('')).toEqual([])
  })
})
