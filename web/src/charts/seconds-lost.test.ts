import type { StartupAggregate } from '@podstart/schema/queries'
import { PHASE_NAMES } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { byTimeLost, secondsLost } from './seconds-lost.ts'

const none = { count: 0, p50: null, p90: null, p99: null }
function agg(
  workload: string,
  count: number,
  meanTotalMs: number,
  means: Partial<Record<string, number>>,
): StartupAggregate {
  return {
    group: { namespace: 'shop', workload, workloadKind: 'Deployment' },
    startups: count,
    total: none,
    slo: { ...none, over5s: 0 },
    phases: Object.fromEntries(PHASE_NAMES.map((p) => [p, none])) as StartupAggregate['phases'],
    complete: {
      count,
      splitCount: 0,
      meanTotalMs,
      meanMs: Object.fromEntries(
        PHASE_NAMES.map((p) => [p, means[p] ?? 0]),
      ) as StartupAggregate['complete']['meanMs'],
    },
  }
}

describe('secondsLost', () => {
  // Many fast startups lose less time than a few slow ones: 100 x 2 s = 200 s < 10 x 30 s = 300 s.
  const fast = agg('api', 100, 2000, { scheduling: 500, start: 1500 })
  const slow = agg('checkout', 10, 30_000, { pull: 25_000, ready: 5000 })
  it('sums each phase over the complete startups and orders by total pod-seconds', () => {
    const rows = secondsLost([fast, slow], 5)
    expect(rows.map((r) => r.group.workload)).toEqual(['checkout', 'api'])
    expect(rows[0]).toMatchObject({ totalSeconds: 300, top: 'pull' })
    expect(rows[0]?.phaseSeconds.pull).toBe(250)
    expect(rows[0]?.phaseSeconds.ready).toBe(50)
    expect(rows[1]).toMatchObject({ totalSeconds: 200, top: 'start' })
    expect(rows[1]?.phaseSeconds.scheduling).toBe(50)
  })
  it('leaves out groups without a complete startup and keeps at most limit rows', () => {
    expect(secondsLost([fast, slow, agg('empty', 0, 0, {})], 1).map((r) => r.group.workload)).toEqual([
      'checkout',
    ])
  })
  it('orders group tables by time lost, not by startups', () => {
    expect(byTimeLost([fast, slow]).map((r) => r.group.workload)).toEqual(['checkout', 'api'])
  })
})
