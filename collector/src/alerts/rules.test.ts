// The startup-p90 alert names its percentile method in the payload it sends: phaseBreakdown's p90 is the nearest
// rank of the raw rows, and the annotation says so (docs/alerts.md).
import type { PhaseBreakdownRow } from '@podstart/schema/queries'
import { PHASE_NAMES } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { startupObjectiveBreaches } from './rules.ts'
import { alertmanagerBody } from './transports/alertmanager.ts'

const pct = (p90: number | null, count = 25) => ({ count, p50: p90, p90, p99: p90 })

function row(workload: string, p90: number): PhaseBreakdownRow {
  return {
    group: { cluster: 'prod', namespace: 'shop', workloadKind: 'Deployment', workload },
    startups: 25,
    total: pct(p90),
    phases: Object.fromEntries(PHASE_NAMES.map((p) => [p, pct(null)])) as PhaseBreakdownRow['phases'],
  }
}

describe('startupObjectiveBreaches', () => {
  it('names nearest rank in the annotations of the alert carrying the p90', () => {
    const rules = { enabled: true, objectiveMs: 60_000, objectives: {}, windowMs: 3_600_000, minStartups: 20 }
    const out = startupObjectiveBreaches(rules, [row('checkout', 75_000), row('cart', 30_000)])
    expect(out).toHaveLength(1)
    expect(out[0]?.annotations).toMatchObject({
      summary: 'Startup p90 of shop/checkout is 75.0 s, above its objective of 60.0 s',
      percentile_method: 'nearest-rank',
    })
    expect(out[0]?.annotations.description).toContain('p90 by nearest rank (exact)')
    // The method is not a label: adding it must not change the alert's identity.
    expect(out[0]?.labels).not.toHaveProperty('percentile_method')
    // And it reaches the Alertmanager payload.
    const body = alertmanagerBody({
      alerts: [
        {
          status: 'firing',
          labels: out[0]?.labels ?? {},
          annotations: out[0]?.annotations ?? {},
          startsAt: '2026-12-03T10:00:00.000Z',
          generatorURL: 'http://podstart/',
        },
      ],
    } as never)
    expect(body[0]?.annotations.percentile_method).toBe('nearest-rank')
  })
})
