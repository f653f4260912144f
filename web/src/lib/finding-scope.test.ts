import type { StartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { appliesTo, findingScopeHref } from './finding-scope.ts'

const pod = {
  cluster: 'prod',
  namespace: 'shop',
  node: 'node-a',
  workload: { kind: 'Deployment', name: 'checkout' },
  pulls: [{ image: 'registry.example/shop/checkout:2.1' }, { image: 'registry.example/shop/migrate:1.4' }],
} as unknown as StartupRecord
const scope = (s: object) => ({ scope: { cluster: 'prod', level: 'workload', ...s } as never })

describe('appliesTo', () => {
  it('matches every field a scope names, and only those', () => {
    expect(
      appliesTo(scope({ namespace: 'shop', workload: { kind: 'Deployment', name: 'checkout' } }), pod),
    ).toBe(true)
    expect(appliesTo(scope({ level: 'image', image: 'registry.example/shop/migrate:1.4' }), pod)).toBe(true)
    expect(appliesTo(scope({ level: 'node', node: 'node-a' }), pod)).toBe(true)
    expect(appliesTo(scope({ level: 'namespace', namespace: 'shop' }), pod)).toBe(true)
  })
  it('refuses another workload, image, node, namespace or cluster, and cluster-wide findings', () => {
    expect(appliesTo(scope({ workload: { kind: 'StatefulSet', name: 'checkout' } }), pod)).toBe(false)
    expect(appliesTo(scope({ level: 'image', image: 'registry.example/shop/checkout:2.2' }), pod)).toBe(false)
    expect(appliesTo(scope({ level: 'node', node: 'node-b' }), pod)).toBe(false)
    expect(appliesTo(scope({ level: 'namespace', namespace: 'pay' }), pod)).toBe(false)
    expect(appliesTo({ scope: { cluster: 'dev', level: 'node', node: 'node-a' } }, pod)).toBe(false)
    expect(appliesTo({ scope: { cluster: 'prod', level: 'cluster' } }, pod)).toBe(false)
  })
})

describe('findingScopeHref', () => {
  it('opens the page of the finding’s own level, in its cluster', () => {
    const w = { cluster: 'prod', namespace: 'shop', workload: { kind: 'Deployment', name: 'checkout' } }
    expect(findingScopeHref({ level: 'workload', ...w })).toBe(
      '/workloads/shop/Deployment/checkout?cluster=prod',
    )
    expect(findingScopeHref({ level: 'image', ...w, image: 'reg.example/a/b:1' })).toBe(
      '/images/reg.example%2Fa%2Fb%3A1?cluster=prod',
    )
    expect(findingScopeHref({ level: 'node', cluster: 'prod', node: 'n-1' })).toBe('/nodes/n-1?cluster=prod')
    expect(findingScopeHref({ level: 'namespace', cluster: 'prod', namespace: 'shop' })).toBe(
      '/namespaces/shop?cluster=prod',
    )
    expect(findingScopeHref({ level: 'cluster', cluster: 'prod eu' })).toBe('/clusters/prod%20eu')
  })
})
