import { describe, expect, it } from 'vitest'
import { parseReference } from './reference.ts'

const D = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'

describe('parseReference', () => {
  it.each([
    ['nginx', 'registry-1.docker.io', 'library/nginx', 'latest', undefined, 'docker.io/library/nginx:latest'],
    [
      'nginx:1.27',
      'registry-1.docker.io',
      'library/nginx',
      '1.27',
      undefined,
      'docker.io/library/nginx:1.27',
    ],
    ['user/app', 'registry-1.docker.io', 'user/app', 'latest', undefined, 'docker.io/user/app:latest'],
    [
      'docker.io/library/redis:7',
      'registry-1.docker.io',
      'library/redis',
      '7',
      undefined,
      'docker.io/library/redis:7',
    ],
    [
      'index.docker.io/user/app:v2',
      'registry-1.docker.io',
      'user/app',
      'v2',
      undefined,
      'docker.io/user/app:v2',
    ],
    ['localhost/app', 'localhost', 'app', 'latest', undefined, 'localhost/app:latest'],
    [
      'localhost:5000/team/app:v1',
      'localhost:5000',
      'team/app',
      'v1',
      undefined,
      'localhost:5000/team/app:v1',
    ],
    ['127.0.0.1:5000/app', '127.0.0.1:5000', 'app', 'latest', undefined, '127.0.0.1:5000/app:latest'],
    [
      'ghcr.io/org/team/app:1.0-rc.1',
      'ghcr.io',
      'org/team/app',
      '1.0-rc.1',
      undefined,
      'ghcr.io/org/team/app:1.0-rc.1',
    ],
    [`quay.io/app@${D}`, 'quay.io', 'app', undefined, D, `quay.io/app@${D}`],
    [`reg:443/app:v1@${D}`, 'reg:443', 'app', 'v1', D, `reg:443/app:v1@${D}`],
    [
      `busybox@${D}`,
      'registry-1.docker.io',
      'library/busybox',
      undefined,
      D,
      `docker.io/library/busybox@${D}`,
    ],
  ])('%s', (input, registry, repository, tag, digest, canonical) => {
    const r = parseReference(input)
    expect(r.registry).toBe(registry)
    expect(r.repository).toBe(repository)
    expect(r.tag).toBe(tag)
    expect(r.digest).toBe(digest)
    expect(r.canonical).toBe(canonical)
  })

  it.each([
    ['', /empty/],
    ['Nginx', /must be lowercase/],
    ['app:bad tag', /tag "bad tag"/],
    ['app@sha256:xyz', /digest "sha256:xyz"/],
    ['host:5000//app', /empty repository path/],
    ['-app', /component "-app"/],
  ])('rejects %j naming the problem', (input, why) => {
    expect(() => parseReference(input)).toThrow(why)
    expect(() => parseReference(input)).toThrow(`invalid image reference "${input}"`)
  })
})
