// The official SLI per cluster-day on the embedded store: nearest-rank percentiles and exclusions by reason,
// against values worked out by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cl2View,
  kubeBurnerView,
  nearestRankSql,
  peerSummary,
  sliPerClusterDay,
  sloPeerPods,
} from '../src/queries/index.ts'
import type { SliCut, StartupRecord } from '../src/record/types.ts'
import type { Querier } from '../src/store/index.ts'
import { insertStartups } from '../src/writes/index.ts'
import { at, BASE_MS, coldRecord, fixtureWindow } from './fixtures/records.ts'
import { openMigratedStore } from './fixtures/temp-store.ts'

let q: Querier
let cleanup: () => Promise<void>
beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
})
afterAll(async () => cleanup?.())

let n = 0
const pod = (sli: SliCut | undefined, over: Partial<StartupRecord> = {}): StartupRecord => {
  n++
  const r = coldRecord({ uid: `u-${n}`, pod: `p-${n}`, createdAt: at(n * 1000), ...over })
  if (sli === undefined) delete r.sli
  else r.sli = sli
  return r
}

describe('sliPerClusterDay', () => {
  it('gives nearest-rank p50/p90/p99 of the included pods and counts the excluded by reason', async () => {
    // Included, sorted: 300 650 700 800 900 1200 1500 2000 4552 6100 (n = 10).
    const included = [300, 1200, 900, 4552, 700, 1500, 2000, 800, 650, 6100]
    const records = [
      ...included.map((ms) => pod({ ms, excluded: null })),
      pod({ ms: null, excluded: 'stateful' }),
      pod({ ms: null, excluded: 'stateful' }),
      pod({ ms: null, excluded: 'unschedulable' }),
      pod({ ms: null, excluded: 'unobserved' }),
      // A record without an SLI cut (as rows written before migration 0009 read).
      pod(undefined),
      // The next UTC day, and another cluster.
      pod({ ms: 42, excluded: null }, { createdAt: new Date(BASE_MS + 86_400_000).toISOString() }),
      pod({ ms: 9000, excluded: null }, { cluster: 'prod-us' }),
    ]
    await insertStartups(q, records, 1)
    const rows = await sliPerClusterDay(q)(fixtureWindow)
    const day = new Date(BASE_MS).toISOString().slice(0, 10)
    const next = new Date(BASE_MS + 86_400_000).toISOString().slice(0, 10)
    expect(rows.map((r) => [r.cluster, r.day])).toEqual([
      ['prod-eu', day],
      ['prod-eu', next],
      ['prod-us', day],
    ])
    expect(rows[0]).toMatchObject({
      startups: 15,
      included: 10,
      // rank ceil(0.5 * 10) = 5, ceil(0.9 * 10) = 9, ceil(0.99 * 10) = 10.
      p50Ms: 900,
      p90Ms: 4552,
      p99Ms: 6100,
      maxMs: 6100,
      overThreshold: 1,
      withinSlo: false,
      excluded: { stateful: 2, unschedulable: 1, 'not-started': 0, unobserved: 1, 'unknown-pulls': 0 },
      unrecorded: 1,
      percentileMethod: 'nearest-rank',
    })
    expect(rows[1]).toMatchObject({ included: 1, p50Ms: 42, p99Ms: 42, withinSlo: true })
    expect(rows[2]).toMatchObject({ included: 1, p99Ms: 9000, withinSlo: false })
    const only = await sliPerClusterDay(q)({ ...fixtureWindow, cluster: 'prod-us' })
    expect(only.map((r) => r.cluster)).toEqual(['prod-us'])
  })

  it('nearest rank of 100 values: p99 is the 99th value, p90 the 90th, none of no values', async () => {
    const sql = `SELECT ${nearestRankSql('v', 0.99)} AS p99, ${nearestRankSql('v', 0.9)} AS p90,
      ${nearestRankSql('e', 0.5)} AS none
      FROM (SELECT range(1, 101) AS v, CAST([], 'Array(UInt32)') AS e)`
    const [row] = await q.query('test.nearestRank', sql, {}, (await import('zod')).z.any())
    expect(row).toEqual({ p99: 99, p90: 90, none: null })
    expect(() => nearestRankSql('v', 1.5)).toThrow(/level must be in \(0, 1\], got 1.5/)
  })

  it('peerSummary in SQL gives the figures slo-peers.ts computes from sloPeerPods', async () => {
    const base = BASE_MS + 5 * 3_600_000
    const records = [300, 1200, 4100, 650, 2999, 8000, 120].map((d, i) => {
      const created = base + i * 10_000 + ((i * 137) % 1000)
      const iso = (ms: number) => new Date(ms).toISOString()
      const r = coldRecord({ uid: `peer-${i}`, pod: `peer-${i}`, cluster: 'peers', createdAt: iso(created) })
      r.boundaries = {
        ...r.boundaries,
        created: { at: iso(created), source: 'watch', precisionMs: 1 },
        containersStarted: {
          at: iso(created + d),
          source: i === 3 ? 'status' : 'event-name',
          precisionMs: 1,
        },
      }
      r.observed = {
        running: iso(created + d + 40),
        allStarted: iso(created + d + 40),
        ready: iso(created + d + 900),
      }
      r.conditions = {
        ...r.conditions,
        Ready: i === 6 ? null : iso(Math.floor((created + d + 880) / 1000) * 1000),
      }
      return r
    })
    await insertStartups(q, records, 1)
    const window = { ...fixtureWindow, cluster: 'peers' }
    const pods = await sloPeerPods(q)(window)
    expect(pods).toHaveLength(7)
    const summary = await peerSummary(q)(window)
    const data = (stamping: 'receipt' | 'classic') => {
      const d = cl2View(pods, stamping).perfData.dataItems.find(
        (x) => x.labels.Metric === 'pod_startup',
      )?.data
      return [d?.Perc50, d?.Perc90, d?.Perc99]
    }
    expect(summary.cl2).toEqual({ pods: 7, receipt: data('receipt'), classic: data('classic') })
    const kb = kubeBurnerView(pods, { uuid: 'u', timestamp: 't' })
    const q3 = (name: string) => {
      const d = kb.quantiles.find((x) => x.quantileName === name)
      return [d?.P50, d?.P95, d?.P99]
    }
    expect(summary.kubeBurner).toEqual({
      pods: 6,
      ready: q3('Ready'),
      containersStarted: q3('ContainersStarted'),
    })
  })
})
