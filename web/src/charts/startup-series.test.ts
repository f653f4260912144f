import type { StartupAggregate } from '@podstart/schema/queries'
import { PHASE_NAMES, type PhaseName } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import {
  percentileSeries,
  phaseStack,
  sliDays,
  sloChartRows,
  sloDays,
  startKindSeries,
} from './startup-series.ts'

const none = { count: 0, p50: null, p90: null, p99: null }

function agg(group: StartupAggregate['group'], over: Partial<StartupAggregate> = {}): StartupAggregate {
  const phases = Object.fromEntries(PHASE_NAMES.map((p) => [p, none])) as StartupAggregate['phases']
  const meanMs = Object.fromEntries(
    PHASE_NAMES.map((p) => [p, null]),
  ) as StartupAggregate['complete']['meanMs']
  return {
    group,
    startups: 0,
    total: none,
    slo: { ...none, over5s: 0 },
    phases,
    complete: { count: 0, splitCount: 0, meanTotalMs: null, meanMs },
    ...over,
  }
}

/** A step with `n` complete startups whose mean phases are given in ms. */
function step(at: string, n: number, split: number, means: Partial<Record<PhaseName, number>>) {
  const meanMs = Object.fromEntries(
    PHASE_NAMES.map((p) => [p, means[p] ?? 0]),
  ) as StartupAggregate['complete']['meanMs']
  return agg(
    { at },
    { startups: n + 1, complete: { count: n, splitCount: split, meanTotalMs: null, meanMs } },
  )
}

describe('percentileSeries', () => {
  it('turns ms percentiles into seconds per step and keeps gaps as null', () => {
    const rows = [
      agg(
        { at: '2024-05-01T10:00:00Z' },
        { startups: 3, total: { count: 3, p50: 1500, p90: 2750, p99: 9999 } },
      ),
      agg({ at: '2024-05-01T11:00:00Z' }, { startups: 1 }),
    ]
    expect(percentileSeries(rows)).toEqual([
      { at: '2024-05-01T10:00:00Z', startups: 3, p50: 1.5, p90: 2.75, p99: 9.999 },
      { at: '2024-05-01T11:00:00Z', startups: 1, p50: null, p90: null, p99: null },
    ])
  })
})

describe('phaseStack', () => {
  it('stacks download and decompress when every complete startup is split; shares add up to 1', () => {
    const s = phaseStack([
      step('t1', 2, 2, {
        scheduling: 1000,
        sandbox: 500,
        pull: 3000,
        download: 1000,
        decompress: 2000,
        start: 250,
        ready: 250,
      }),
    ])
    expect(s.split).toBe(true)
    expect(s.bands.map((b) => b.label)).toEqual([
      'scheduling',
      'sandbox',
      'init',
      'pull wait',
      'download',
      'decompress',
      'start',
      'ready',
    ])
    expect(s.points[0]).toMatchObject({ scheduling: 1, download: 1, decompress: 2, start: 0.25, complete: 2 })
    const shares = s.bands.map((b) => s.shares[0]?.[b.key] ?? 0)
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(s.shares[0]?.decompress).toBeCloseTo(2000 / 5000, 12)
  })

  it('shows pull as one band labelled "pull (not split)" when any complete startup lacks the split', () => {
    const s = phaseStack([step('t1', 2, 2, { pull: 1000 }), step('t2', 3, 2, { pull: 2000, ready: 2000 })])
    expect(s.split).toBe(false)
    expect(s.bands.find((b) => b.key === 'pull')?.label).toBe('pull (not split)')
    expect(s.bands.some((b) => b.key === 'download')).toBe(false)
    expect(s.points[1]?.pull).toBe(2)
    expect(s.shares[1]?.pull).toBe(0.5)
    expect(s.completeStartups).toBe(5)
    expect(s.startups).toBe(7)
  })

  it('a step without complete startups is a gap, not zeros', () => {
    const s = phaseStack([step('t1', 0, 0, {})])
    expect(s.points[0]?.scheduling).toBeNull()
    expect(s.shares[0]?.ready).toBeNull()
  })
})

describe('startKindSeries and the SLO view', () => {
  it('pivots cold/warm/unknown counts per step', () => {
    expect(
      startKindSeries([
        agg({ at: 't2', startKind: 'warm' }, { startups: 4 }),
        agg({ at: 't1', startKind: 'cold' }, { startups: 2 }),
        agg({ at: 't1', startKind: 'unknown' }, { startups: 1 }),
      ]),
    ).toEqual([
      { at: 't1', cold: 2, warm: 0, unknown: 1 },
      { at: 't2', cold: 0, warm: 4, unknown: 0 },
    ])
  })

  it('judges p99 of the SLO cut against 5 s per cluster-day', () => {
    const days = sloDays([
      agg(
        { cluster: 'b', day: '2024-05-02' },
        { slo: { count: 10, p50: 1000, p90: 2000, p99: 5001, over5s: 1 } },
      ),
      agg(
        { cluster: 'a', day: '2024-05-02' },
        { slo: { count: 10, p50: 1000, p90: 2000, p99: 5000, over5s: 0 } },
      ),
      agg({ cluster: 'a', day: '2024-05-01' }, {}),
    ])
    expect(days.map((d) => [d.day, d.cluster, d.p99, d.met])).toEqual([
      ['2024-05-01', 'a', null, null],
      ['2024-05-02', 'a', 5, true],
      ['2024-05-02', 'b', 5.001, false],
    ])
    expect(sloChartRows(days)).toEqual({
      clusters: ['a', 'b'],
      rows: [
        { day: '2024-05-01', a: null },
        { day: '2024-05-02', a: 5, b: 5.001 },
      ],
    })
  })
})

describe('sliDays', () => {
  it('the official SLI per cluster-day in seconds, with the pods left out by reason', () => {
    const excluded = { stateful: 2, unschedulable: 1, 'not-started': 0, unobserved: 0, 'unknown-pulls': 0 }
    const day = (cluster: string, d: string, p99Ms: number | null, unrecorded = 0) => ({
      cluster,
      day: d,
      startups: 13,
      included: 10,
      p50Ms: 900,
      p90Ms: 4552,
      p99Ms,
      maxMs: p99Ms,
      overThreshold: 1,
      withinSlo: p99Ms === null ? null : p99Ms <= 5000,
      excluded,
      unrecorded,
      percentileMethod: 'nearest-rank' as const,
    })
    expect(
      sliDays([day('b', '2026-03-02', 6100, 4), day('a', '2026-03-02', 4999), day('a', '2026-03-01', null)]),
    ).toEqual([
      { cluster: 'a', day: '2026-03-01', startups: 10, p99: null, over5s: 1, met: null, excluded },
      { cluster: 'a', day: '2026-03-02', startups: 10, p99: 4.999, over5s: 1, met: true, excluded },
      {
        cluster: 'b',
        day: '2026-03-02',
        startups: 10,
        p99: 6.1,
        over5s: 1,
        met: false,
        excluded: { ...excluded, unrecorded: 4 },
      },
    ])
  })
})
