// The weekly report's figures against the real embedded engine: closed hours from the rollup grains, the rest
// of the window from raw rows, each startup once (a rewrite counts once and is sampled once), and percentiles as
// ClickHouse's quantiles interpolate them, computed here by hand from the values written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { at, readyRecord } from '../../test/fixtures/records.ts'
import { openMigratedStore } from '../../test/fixtures/temp-store.ts'
import { refreshRollups, writeStartups } from '../rollups/index.ts'
import type { Querier } from '../store/index.ts'
import { servedWindow } from './dashboard/rollup-source.ts'
import { reportGroups } from './report-groups.ts'

let cleanup: () => Promise<void>
let q: Querier

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
})
afterAll(async () => cleanup?.())

const HOUR = 3_600_000
const ready = readyRecord

/** Linear interpolation between the closest ranks, as ClickHouse's quantile does over fewer than 8,192 values. */
function interpolated(values: number[], level: number): number {
  const xs = [...values].sort((a, b) => a - b)
  const index = level * (xs.length - 1)
  const lo = Math.floor(index)
  const hi = Math.ceil(index)
  return Math.round((xs[lo] as number) + ((xs[hi] as number) - (xs[lo] as number)) * (index - lo))
}

describe('reportGroups from rollups and raw rows', () => {
  it('merges served hours with the raw rest, counting and sampling each startup once', async () => {
    // Hours 0 and 1: 20 startups, built into the rollups.
    const built = Array.from({ length: 20 }, (_, i) => ready(i, (i % 2) * HOUR + i * 1000, 2000 + 100 * i))
    await writeStartups(q, built, 1)
    await refreshRollups(q)
    // Hour 2, written after the build (no rollup rows: read raw), with one startup written twice.
    const later = Array.from({ length: 5 }, (_, i) =>
      ready(20 + i, 2 * HOUR + i * 1000, 2000 + 100 * (20 + i)),
    )
    await writeStartups(q, later, 2)
    await writeStartups(q, [ready(24, 2 * HOUR + 4000, 9000)], 3)
    const window = { from: at(0), to: at(3 * HOUR) }
    const served = await servedWindow(q, window)
    expect(served.served.length).toBe(2)
    expect(served.ranges).toHaveLength(1)

    const { current } = await reportGroups(q)({
      previous: { from: at(-3 * HOUR), to: at(0) },
      current: window,
    })
    const totals = [...built, ...later.slice(0, 4), ready(24, 0, 9000)].map((r) => r.totalMs as number)
    const all = current.find((g) => g.dimension === 'all')
    expect(all?.side.startups).toBe(25)
    expect(all?.side.ready).toBe(25)
    expect(all?.side.coldShare).toBe(1)
    expect(all?.side.total).toEqual({
      count: 25,
      p50: interpolated(totals, 0.5),
      p90: interpolated(totals, 0.9),
      p99: interpolated(totals, 0.99),
    })
    // One value per startup in the sample, whichever version it holds for the rewritten one.
    expect(all?.samples.total).toHaveLength(25)
    expect(all?.samples.total.filter((v) => v === 4400 || v === 9000)).toHaveLength(1)
    const workload = current.find((g) => g.dimension === 'workload')
    expect(workload?.key).toMatchObject({ cluster: 'prod-eu', namespace: 'shop', workload: 'checkout' })
    expect(workload?.side.total.count).toBe(25)
    expect(workload?.side.phases.scheduling).toEqual({ count: 25, p50: 100, p90: 100, p99: 100 })
    const node = current.find((g) => g.dimension === 'node')
    expect(node?.side.startups).toBe(25)
  }, 120_000)
})
