import { describe, expect, it } from 'vitest'
import { lookupCredentials, normaliseRegistryKey, parseDockerConfig, parsePullSecret } from './credentials.ts'

const b64 = (s: string) => Buffer.from(s).toString('base64')

describe('registry credentials', () => {
  it('normalises the key spellings docker login, kubectl and people write', () => {
    expect(normaliseRegistryKey('https://index.docker.io/v1/')).toBe('docker.io')
    expect(normaliseRegistryKey('registry-1.docker.io')).toBe('docker.io')
    expect(normaliseRegistryKey('http://Reg.example:5000/v2/')).toBe('reg.example:5000')
    expect(normaliseRegistryKey('reg.example:5000')).toBe('reg.example:5000')
  })

  it('finds base64 auth, username/password, Docker Hub by its legacy key, and nothing for other hosts', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hub:hubpass') },
          'reg.example:5000': { username: 'u', password: 'p:with:colons' },
          'ghcr.io': { auth: b64('gh:tok:en') },
        },
      }),
    )
    expect(lookupCredentials(config, 'docker.io')).toEqual({ username: 'hub', password: 'hubpass' })
    expect(lookupCredentials(config, 'reg.example:5000')).toEqual({
      username: 'u',
      password: 'p:with:colons',
    })
    expect(lookupCredentials(config, 'ghcr.io')).toEqual({ username: 'gh', password: 'tok:en' })
    expect(lookupCredentials(config, 'quay.io')).toBeUndefined()
  })

  it('a malformed auth entry names the key, never the value', () => {
    const secretish = b64('no-colon-here')
    const config = parseDockerConfig(JSON.stringify({ auths: { 'reg.example': { auth: secretish } } }))
    expect(() => lookupCredentials(config, 'reg.example', 'cfg.json')).toThrow(
      /cfg.json: the "auth" of "reg.example"/,
    )
    try {
      lookupCredentials(config, 'reg.example')
    } catch (err) {
      expect((err as Error).message).not.toContain(secretish)
      expect((err as Error).message).not.toContain('no-colon-here')
    }
  })

  it('reads kubernetes.io/dockerconfigjson secrets in YAML and JSON, data and stringData', () => {
    const inner = JSON.stringify({ auths: { 'reg.example': { auth: b64('k8s:pw') } } })
    const yaml = `apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${b64(inner)}\n`
    expect(lookupCredentials(parsePullSecret(yaml), 'reg.example')).toEqual({
      username: 'k8s',
      password: 'pw',
    })
    const json = JSON.stringify({ kind: 'Secret', stringData: { '.dockerconfigjson': inner } })
    expect(lookupCredentials(parsePullSecret(json), 'reg.example')).toEqual({
      username: 'k8s',
      password: 'pw',
    })
  })

  it('rejects secrets that are not pull secrets, naming what was found', () => {
    expect(() => parsePullSecret('kind: ConfigMap\ndata: {}', 's.yaml')).toThrow(
      's.yaml: kind is ConfigMap, not Secret',
    )
    expect(() => parsePullSecret('kind: Secret\ntype: Opaque\ndata: {}', 's.yaml')).toThrow(
      's.yaml: no data[.dockerconfigjson] (type Opaque)',
    )
    expect(() => parseDockerConfig('{nope', 'c.json')).toThrow(/c.json: not valid JSON/)
  })
})
