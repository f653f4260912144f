import type { StartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { appliesTo } from './finding-scope.ts'

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
