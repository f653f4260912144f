import type { StartupAggregate } from '@podstart/schema/queries'
import { PHASE_NAMES } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { scopeHeadline } from './scope-headline.ts'
import type { SloDay } from './startup-series.ts'

const none = { count: 0, p50: null, p90: null, p99: null }
const summary = (startups: number): StartupAggregate => ({
  group: {},
  startups,
  total: { count: startups, p50: 1000, p90: 2000, p99: 3000 },
  slo: { ...none, over5s: 0 },
  phases: Object.fromEntries(PHASE_NAMES.map((p) => [p, none])) as StartupAggregate['phases'],
  complete: {
    count: 0,
    splitCount: 0,
    meanTotalMs: null,
    meanMs: Object.fromEntries(PHASE_NAMES.map((p) => [p, null])) as StartupAggregate['complete']['meanMs'],
  },
})
const day = (p99: number | null): SloDay => ({
  cluster: 'a',
  day: '2024-05-01',
  startups: 1,
  p99,
  over5s: 0,
  met: p99 === null ? null : p99 <= 5,
})

describe('scopeHeadline', () => {
  it('takes the cold share of all startups, the worst SLO day and the pulls summed over steps', () => {
    const h = scopeHeadline(
      summary(8),
      [
        { kind: 'cold', startups: 2, p50: 1, p90: 2 },
        { kind: 'warm', startups: 6, p50: 1, p90: 2 },
      ],
      [day(4.2), day(null), day(5.001), day(1)],
      [
        { pulls: 5, failed: 1 },
        { pulls: 3, failed: 0 },
      ],
    )
    expect(h).toEqual({
      startups: 8,
      total: { count: 8, p50: 1000, p90: 2000, p99: 3000 },
      coldShare: 0.25,
      worstSloP99: 5.001,
      sloMissed: true,
      pulls: 8,
      failedPulls: 1,
    })
  })

  it('a worst day at exactly 5 s meets the SLO; no startups and no SLO days leave the figures empty', () => {
    expect(scopeHeadline(summary(3), [], [day(5)], []).sloMissed).toBe(false)
    expect(scopeHeadline(summary(0), [], [day(null)], [])).toMatchObject({
      coldShare: null,
      worstSloP99: null,
      sloMissed: false,
      pulls: 0,
      failedPulls: 0,
    })
  })
})
