// The official SLI per cluster-day on the embedded store: nearest-rank percentiles and exclusions by reason,
// against values worked out by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nearestRankSql, sliPerClusterDay } from '../src/queries/index.ts'
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
})
