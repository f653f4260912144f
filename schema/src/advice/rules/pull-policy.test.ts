import { describe, expect, it } from 'vitest'
import type { AlwaysPullOnDigestRow } from '../../queries/advice-inventory.ts'
import { signals } from './fixtures.ts'
import { pullPolicy } from './pull-policy.ts'

const row: AlwaysPullOnDigestRow = {
  cluster: 'prod',
  namespace: 'shop',
  workload: { kind: 'Deployment', name: 'api' },
  container: 'api',
  init: false,
  image: `reg.example/api@sha256:${'a'.repeat(64)}`,
  pulls: 4,
  repeatPulls: 2,
  repeatMs: 800,
  repeatP90Ms: 500,
}

describe('pull-policy', () => {
  it('fires on Always with a digest and prices the repeat pulls, with a patch to IfNotPresent', () => {
    const [f] = pullPolicy.evaluate(signals({ alwaysPullOnDigest: [row] }), pullPolicy.thresholds.parse({}))
    // 0.8 s * 7 = 5.6 pod-s/week; p90 0.5 s.
    expect(f?.saving).toMatchObject({ podSecondsPerWeek: 5.6, p90SecondsPerStartup: 0.5 })
    expect(f?.artifact?.content).toContain(
      'spec:\n  template:\n    spec:\n      containers:\n        - name: api\n          imagePullPolicy: IfNotPresent',
    )
    expect(pullPolicy.render(f!).markdown).toContain('ImageLocality')
  })

  it('stays silent below a configured repeat-pull rate', () => {
    // 2 repeat pulls/day = 14/week < 15.
    const t = pullPolicy.thresholds.parse({ minRepeatPullsPerWeek: 15 })
    expect(pullPolicy.evaluate(signals({ alwaysPullOnDigest: [row] }), t)).toEqual([])
  })
})
