import { describe, expect, it } from 'vitest'
import { pullSummary, signals } from './fixtures.ts'
import { preWarm } from './pre-warm.ts'

const t = preWarm.thresholds.parse({})

describe('pre-warm', () => {
  it('fires on an image pulled cold often and prices pull + wait of its cold pulls per week', () => {
    // 1-day window: 4 cold pulls/day = 28/week >= 20; p90 6 s >= 5 s.
    const row = pullSummary({
      coldPulls: 4,
      coldPullMs: 20_000,
      coldWaitMs: 4_000,
      coldP90Ms: 6_000,
      cachedPulls: 6,
    })
    const [f, ...rest] = preWarm.evaluate(signals({ imagePullSummary: [row] }), t)
    expect(rest).toEqual([])
    // (20 s + 4 s) * 7 = 168 pod-seconds per week; p90 6 s.
    expect(f?.saving.podSecondsPerWeek).toBe(168)
    expect(f?.saving.p90SecondsPerStartup).toBe(6)
    expect(f?.scope).toEqual({
      level: 'image',
      cluster: 'prod',
      image: 'reg.example/shop/app:1',
      namespace: 'shop',
      workload: { kind: 'Deployment', name: 'app' },
    })
    expect(f?.artifact?.content).toContain('kind: DaemonSet')
    expect(f?.artifact?.content).toContain('image: reg.example/shop/app:1')
    expect(f?.saving.assumptions.join(' ')).toContain('warm starts are unchanged')
  })

  it('stays silent just under the thresholds', () => {
    // 2 cold pulls/day = 14/week < 20.
    expect(preWarm.evaluate(signals({ imagePullSummary: [pullSummary({ coldPulls: 2 })] }), t)).toEqual([])
    // Often enough, but cold pulls are quick (p90 4.9 s < 5 s).
    expect(preWarm.evaluate(signals({ imagePullSummary: [pullSummary({ coldP90Ms: 4_900 })] }), t)).toEqual(
      [],
    )
  })

  it('emits an OpenKruise ImagePullJob aimed at the nodes that pulled cold, or a kube-fledged ImageCache', () => {
    const s = signals({ imagePullSummary: [pullSummary()] })
    const job = preWarm.evaluate(s, { ...t, artifact: 'openkruise' })[0]?.artifact
    expect(job?.content).toContain('kind: ImagePullJob')
    expect(job?.content).toMatch(/names:\n {6}- node-a\n {6}- node-b/)
    const cache = preWarm.evaluate(s, { ...t, artifact: 'kube-fledged' })[0]?.artifact
    expect(cache?.content).toContain('kind: ImageCache')
  })

  it('renders the same Markdown twice, with the artifact', () => {
    const f = preWarm.evaluate(signals({ imagePullSummary: [pullSummary()] }), t)[0]!
    expect(preWarm.render(f).markdown).toBe(preWarm.render(f).markdown)
    expect(preWarm.render(f).markdown).toContain('```yaml')
    expect(preWarm.render(f).text).toContain('350 pod-seconds per week')
  })
})
