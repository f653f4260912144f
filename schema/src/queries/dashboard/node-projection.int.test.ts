// The hourly table's projection by node (migration 0017) against the real embedded engine: the node page's
// workloads table gives the raw tables' answer before and after superseded rebuilds are pruned, and the rows
// the projection serves are exactly the table's (a lightweight DELETE never leaves masked rows readable).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { coldRecord } from '../../../test/fixtures/records.ts'
import { openMigratedStore } from '../../../test/fixtures/temp-store.ts'
import type { StartupRecord } from '../../record/types.ts'
import {
  markRollupBucketsDirty,
  pruneSupersededRollups,
  refreshRollups,
  writeStartups,
} from '../../rollups/index.ts'
import type { Querier } from '../../store/index.ts'
import { startupAggregates } from './startup-aggregates.ts'

const HOUR_MS = 3_600_000
const endMs = Date.now() - (Date.now() % HOUR_MS)
const window = { from: new Date(endMs - 6 * HOUR_MS).toISOString(), to: new Date(endMs).toISOString() }

let cleanup: () => Promise<void>
let q: Querier
const records: StartupRecord[] = []

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  for (let i = 0; i < 60; i++) {
    const created = endMs - 6 * HOUR_MS + i * 350_000
    const total = 2_000 + ((i * 4_513) % 30_000)
    records.push(
      coldRecord({
        uid: `5f0c8a52-0000-4c1e-9d7a-${String(i).padStart(12, '0')}`,
        pod: `web-${i}`,
        namespace: `ns-${i % 2}`,
        workload: { kind: 'Deployment', name: `web-${i % 4}` },
        node: `node-${i % 3}`,
        createdAt: new Date(created).toISOString(),
        readyAt: new Date(created + total).toISOString(),
        totalMs: total,
      }),
    )
  }
  await writeStartups(q, records, 1_000)
  await refreshRollups(q)
})
afterAll(async () => cleanup?.())

const nodeTable = (source: 'auto' | 'raw') =>
  startupAggregates(q)({ ...window, filters: { node: 'node-1' }, groupBy: ['namespace', 'workload'], source })

/** Rows and startups of node-1 in the hourly table, through the projection (the query fails if not) or the table. */
async function hourlyNodeRows(useProjection: boolean) {
  const [r] = await q.query(
    'test.hourlyNodeRows',
    `SELECT count() AS n, sum(startups) AS s FROM startup_rollup_hourly WHERE node = 'node-1'
     SETTINGS optimize_use_projections = {use:UInt8}, force_optimize_projection = {use:UInt8}`,
    { use: useProjection ? 1 : 0 },
    z.object({ n: z.coerce.number(), s: z.coerce.number() }),
  )
  return r
}

describe('hourly rollup by node', () => {
  it('the node page workloads table equals the raw rows and the records', async () => {
    const auto = await nodeTable('auto')
    expect(auto).toEqual(await nodeTable('raw'))
    const truth = records.filter((r) => r.node === 'node-1').length
    expect(auto.reduce((s, g) => s + g.startups, 0)).toBe(truth)
  })

  it('after superseded rebuilds are pruned, the projection serves exactly the table rows', async () => {
    // Rebuild every hour (superseded rows of the first rebuild stay until pruned), rewrite one startup, prune.
    const hours = [
      ...new Set(
        records.map((r) =>
          new Date(Date.parse(r.createdAt) - (Date.parse(r.createdAt) % HOUR_MS))
            .toISOString()
            .slice(0, 19)
            .replace('T', ' '),
        ),
      ),
    ]
    await markRollupBucketsDirty(q, hours)
    const slow = records.find((r) => r.node === 'node-1') as StartupRecord
    await writeStartups(
      q,
      [{ ...slow, totalMs: 88_000, readyAt: new Date(Date.parse(slow.createdAt) + 88_000).toISOString() }],
      2_000,
    )
    await refreshRollups(q)
    const before = await hourlyNodeRows(false)
    expect(await hourlyNodeRows(true)).toEqual(before)
    await pruneSupersededRollups(q, 0)
    const pruned = await hourlyNodeRows(false)
    expect(pruned?.n).toBeLessThan(before?.n ?? 0)
    expect(await hourlyNodeRows(true)).toEqual(pruned)
    expect(await nodeTable('auto')).toEqual(await nodeTable('raw'))
  })
})
