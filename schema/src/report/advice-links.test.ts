import { describe, expect, it } from 'vitest'
import { adviceEvidenceLinks } from './advice-links.ts'
import type { AdviceLink } from './types.ts'

const finding: AdviceLink = {
  ruleId: 'scheduling',
  title: 'checkout: pods wait',
  confidence: 'high',
  scope: {
    level: 'workload',
    cluster: 'prod eu',
    namespace: 'shop',
    workload: { kind: 'Deployment', name: 'checkout' },
  },
  pods: {
    count: 42,
    slowest: [{ cluster: 'prod eu', namespace: 'shop', pod: 'checkout-7d-abcde', uid: 'u/1', ms: 61_240 }],
  },
}

describe('adviceEvidenceLinks', () => {
  it('links the scope page and the slowest pods on the dashboard, with the pod count', () => {
    expect(adviceEvidenceLinks(finding, 'https://podstart.example/')).toEqual({
      scope: {
        href: 'https://podstart.example/workloads/shop/Deployment/checkout?cluster=prod%20eu',
        label: 'workload page',
      },
      pods: [
        {
          href: 'https://podstart.example/pods/prod%20eu/u%2F1',
          label: 'shop/checkout-7d-abcde',
          seconds: 61.2,
        },
      ],
      podCount: 42,
    })
  })
  it('is relative to the dashboard without a URL; image and node scopes open their pages', () => {
    const image = { ...finding, scope: { level: 'image', cluster: 'c', image: 'reg/a:1' }, pods: undefined }
    expect(adviceEvidenceLinks(image, null)).toEqual({
      scope: { href: '/images/reg%2Fa%3A1?cluster=c', label: 'image page' },
      pods: [],
    })
    const node = { ...image, scope: { level: 'node', cluster: 'c', node: 'n1' } }
    expect(adviceEvidenceLinks(node, undefined).scope.href).toBe('/nodes/n1?cluster=c')
  })
})
