// Which findings a page of each kind lists: the finding's scope contains the page's or lies inside it.
import { describe, expect, it } from 'vitest'
import { inPageScope, pageScope } from './scope.ts'
import type { FindingScope } from './types.ts'

const cluster: FindingScope = { level: 'cluster', cluster: 'sim' }
const checkout: FindingScope = {
  level: 'workload',
  cluster: 'sim',
  namespace: 'shop',
  workload: { kind: 'Deployment', name: 'checkout' },
}
const frontend: FindingScope = { ...checkout, workload: { kind: 'Deployment', name: 'frontend' } }
const node: FindingScope = { level: 'node', cluster: 'sim', node: 'n1' }
// An image finding narrowed to the one workload that pulled it is still the image's.
const image: FindingScope = {
  level: 'image',
  cluster: 'sim',
  image: 'reg/app:1',
  namespace: 'shop',
  workload: checkout.workload,
}
const other: FindingScope = { level: 'cluster', cluster: 'prod' }
const ALL = { cluster, checkout, frontend, node, image, other }

function listed(page: Parameters<typeof inPageScope>[1]): string[] {
  return Object.entries(ALL)
    .filter(([, s]) => inPageScope(s, page))
    .map(([k]) => k)
}

describe('inPageScope', () => {
  it('overview of every cluster: every finding', () => {
    expect(listed({})).toEqual(['cluster', 'checkout', 'frontend', 'node', 'image', 'other'])
  })
  it('cluster page: that cluster’s findings only', () => {
    expect(listed({ cluster: 'sim' })).toEqual(['cluster', 'checkout', 'frontend', 'node', 'image'])
  })
  it('namespace page: the cluster’s and the namespace’s workloads, not nodes or images', () => {
    expect(listed({ cluster: 'sim', namespace: 'shop' })).toEqual(['cluster', 'checkout', 'frontend'])
    expect(listed({ cluster: 'sim', namespace: 'data' })).toEqual(['cluster'])
    // Without a cluster filter, a namespace page spans clusters: any cluster's cluster-wide finding contains it.
    expect(listed({ namespace: 'shop' })).toEqual(['cluster', 'checkout', 'frontend', 'other'])
  })
  it('workload page: its own and its containers’ (cluster), never a sibling’s', () => {
    const page = { cluster: 'sim', namespace: 'shop', workload: { kind: 'Deployment', name: 'frontend' } }
    expect(listed(page)).toEqual(['cluster', 'frontend'])
    expect(listed({ ...page, workload: { name: 'checkout' } })).toEqual(['cluster', 'checkout'])
    expect(listed({ ...page, workload: { kind: 'Job', name: 'checkout' } })).toEqual(['cluster'])
  })
  it('node page: the cluster’s and that node’s', () => {
    expect(listed({ cluster: 'sim', node: 'n1' })).toEqual(['cluster', 'node'])
    expect(listed({ cluster: 'sim', node: 'n2' })).toEqual(['cluster'])
  })
  it('image page: the cluster’s and that image’s', () => {
    expect(listed({ cluster: 'sim', image: 'reg/app:1' })).toEqual(['cluster', 'image'])
    expect(listed({ image: 'reg/other:2' })).toEqual(['cluster', 'other'])
  })
  it('pageScope drops empty filters', () => {
    expect(pageScope({ cluster: '', namespace: 'shop', workload: { kind: '', name: 'web' } })).toEqual({
      namespace: 'shop',
      workload: { name: 'web' },
    })
  })
})
