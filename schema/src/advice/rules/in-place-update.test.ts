import { describe, expect, it } from 'vitest'
import type { ImageOnlyRolloutRow } from '../../queries/advice-startups.ts'
import { signals } from './fixtures.ts'
import { inPlaceUpdate } from './in-place-update.ts'

const t = inPlaceUpdate.thresholds.parse({})
const rollout = (over: Partial<ImageOnlyRolloutRow>): ImageOnlyRolloutRow => ({
  cluster: 'prod',
  namespace: 'shop',
  workload: { kind: 'Deployment', name: 'web' },
  replicaSet: 'web-1',
  startedAt: '2025-01-01T10:00:00.000Z',
  images: ['reg/web:2'],
  pods: 5,
  capacityWaitPods: 0,
  pricedPods: 5,
  schedulingSandboxMs: 6000,
  schedulingSandboxP90Ms: 1500,
  ...over,
})

describe('in-place-update', () => {
  it('prices scheduling + sandbox of pods recreated by image-only rollouts, per workload', () => {
    const rows = [
      rollout({}),
      rollout({ replicaSet: 'web-2', schedulingSandboxMs: 4000, schedulingSandboxP90Ms: 2000 }),
    ]
    const [f, ...rest] = inPlaceUpdate.evaluate(signals({ imageOnlyRollouts: rows }), t)
    expect(rest).toEqual([])
    // (6 s + 4 s) * 7 = 70 pod-s/week; p90 = worst rollout's 2 s. 10 pods/day = 70/week >= 10.
    expect(f?.saving).toMatchObject({ podSecondsPerWeek: 70, p90SecondsPerStartup: 2 })
    expect(f?.scope).toEqual({
      level: 'workload',
      cluster: 'prod',
      namespace: 'shop',
      workload: { kind: 'Deployment', name: 'web' },
    })
    expect(f?.artifact?.content).toContain('type: InPlaceIfPossible')
  })

  it('stays silent when the pods were scheduled and sandboxed quickly', () => {
    const rows = [rollout({ schedulingSandboxP90Ms: 900 })]
    expect(inPlaceUpdate.evaluate(signals({ imageOnlyRollouts: rows }), t)).toEqual([])
  })
})
