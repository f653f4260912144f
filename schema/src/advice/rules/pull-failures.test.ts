import { describe, expect, it } from 'vitest'
import type { PeerThresholds } from '../types.ts'
import { pullSummary, signals } from './fixtures.ts'
import { p2p } from './p2p.ts'
import { preWarm } from './pre-warm.ts'
import { pullFailures } from './pull-failures.ts'

const t = pullFailures.thresholds.parse({})

describe('pull-failures', () => {
  it('prices the back-off of pulls that succeeded after failing and counts those that never did', () => {
    const row = pullSummary({
      pulls: 12,
      failedPulls: 1,
      retriedPulls: 3,
      retryWaitMs: 45_000,
      retryWaitP90Ms: 20_000,
      failureReasons: ['ErrImagePull'],
    })
    const [f, ...rest] = pullFailures.evaluate(signals({ imagePullSummary: [row] }), t)
    expect(rest).toEqual([])
    // 45 s in a 1-day window -> 315 pod-seconds per week; p90 of the back-off 20 s.
    expect(f?.saving).toMatchObject({ podSecondsPerWeek: 315, p90SecondsPerStartup: 20 })
    expect(f?.title).toContain('4 of 12 pulls failed (ErrImagePull)')
    expect(f?.scope.workload).toEqual({ kind: 'Deployment', name: 'app' })
  })

  it('stays silent without failures, or with fewer than minFailuresPerWeek', () => {
    expect(pullFailures.evaluate(signals({ imagePullSummary: [pullSummary()] }), t)).toEqual([])
    const rare = pullSummary({ retriedPulls: 1, retryWaitMs: 10_000 })
    expect(pullFailures.evaluate(signals({ imagePullSummary: [rare] }), { minFailuresPerWeek: 8 })).toEqual(
      [],
    )
  })
})

describe('pre-warm leaves failed and saturated pulls to their own rules', () => {
  const tp = preWarm.thresholds.parse({})
  it('prices first-try cold pulls only', () => {
    // 10 cold pulls, 6 of them after back-off: the 4 first tries (20 s) are what a pre-pull removes.
    const row = pullSummary({
      coldPulls: 10,
      coldPullMs: 30_000,
      coldWaitMs: 90_000,
      firstTryColdPulls: 4,
      firstTryColdMs: 20_000,
      firstTryColdP90Ms: 6_000,
      retriedPulls: 6,
    })
    const [f] = preWarm.evaluate(signals({ imagePullSummary: [row] }), tp)
    expect(f?.saving).toMatchObject({ podSecondsPerWeek: 140, p90SecondsPerStartup: 6 })
  })

  it('drops pulls of a saturated burst (the p2p finding) and stays silent when nothing else is left', () => {
    const image = 'reg.example/shop/app:1'
    const quiet = { cluster: 'prod', image, nodes: 2, pulls: 2, bytes: 2e8, pullMs: 2000, waitMs: 0 }
    const bursts = [
      { ...quiet, bucket: '2025-01-01T10:00:00Z', medianBytesPerSec: 100e6, p90PullMs: 1000 },
      {
        ...quiet,
        bucket: '2025-01-01T12:00:00Z',
        nodes: 12,
        pulls: 10,
        pullMs: 48_000,
        medianBytesPerSec: 10e6,
        p90PullMs: 7000,
      },
    ]
    const row = pullSummary({ coldPulls: 12, coldPullMs: 50_000, coldP90Ms: 6_000 })
    const s = signals({ imagePullSummary: [row], pullBursts: bursts })
    expect(p2p.evaluate(s, p2p.thresholds.parse({}))).toHaveLength(1)
    // 2 pulls left: 14 per week < 20.
    expect(preWarm.evaluate(s, tp)).toEqual([])
    // With p2p's burst size raised, the bucket is no burst and pre-warm prices all 12 pulls.
    const peers: PeerThresholds = (rule) => rule.thresholds.parse(rule.id === 'p2p' ? { burstNodes: 20 } : {})
    expect(preWarm.evaluate(s, tp, peers)[0]?.saving.podSecondsPerWeek).toBe(350)
  })
})
