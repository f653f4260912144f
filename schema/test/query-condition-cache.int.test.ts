// The engine's query condition cache remembers, per table part and filter, the granules a filter matched
// nothing in, and skips them next time. It gave wrong answers here: after a question filtered to a node with no
// startups in the open hour, the unfiltered hourly series lost that hour (the raw rows were skipped as if the
// node filter applied). The store turns the cache off; this test asks the two questions in that order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startupAggregates } from '../src/queries/dashboard/startup-aggregates.ts'
import type { StartupRecord } from '../src/record/types.ts'
import { writeStartups } from '../src/rollups/index.ts'
import { CLIENT_SETTINGS, type Querier } from '../src/store/index.ts'
import { coldRecord } from './fixtures/records.ts'
import { openMigratedStore } from './fixtures/temp-store.ts'

const HOUR_MS = 3_600_000
const hourMs = Date.now() - (Date.now() % HOUR_MS)
const iso = (ms: number) => new Date(ms).toISOString()
const window = { from: iso(hourMs - 3 * HOUR_MS), to: iso(hourMs + 2 * HOUR_MS) }

let cleanup: () => Promise<void>
let q: Querier
const records: StartupRecord[] = []

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  for (let i = 0; i < 12; i++) {
    const created = hourMs - 3 * HOUR_MS + i * 15 * 60_000
    records.push(
      coldRecord({
        uid: `7a1e0c33-0000-4c1e-9d7a-${String(i).padStart(12, '0')}`,
        pod: `app-${i}`,
        node: `node-${i % 2}`,
        createdAt: iso(created),
        readyAt: iso(created + 20_000),
        totalMs: 20_000,
      }),
    )
  }
  await writeStartups(q, records, 1_000)
})
afterAll(async () => cleanup?.())

describe('query condition cache', () => {
  it('is off in the store client settings', () => {
    expect(CLIENT_SETTINGS.use_query_condition_cache).toBe(0)
  })

  it('a question filtered to a node without startups leaves the next unfiltered question whole', async () => {
    const hourly = () => startupAggregates(q)({ ...window, groupBy: ['time'], stepSeconds: 3600 })
    const count = (rows: Awaited<ReturnType<typeof hourly>>) => rows.reduce((n, r) => n + r.startups, 0)
    expect(count(await hourly())).toBe(records.length)
    for (const node of ['node-7', 'node-0', 'node-9']) {
      const filtered = await startupAggregates(q)({ ...window, groupBy: ['outcome'], filters: { node } })
      expect(filtered.reduce((n, r) => n + r.startups, 0)).toBe(records.filter((r) => r.node === node).length)
      expect(count(await hourly())).toBe(records.length)
    }
  })
})
