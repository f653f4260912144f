// The dashboard snapshot key against the real embedded engine: equal while nothing the answers read changed
// (also when a named range's end moved on), different after every kind of change the answers would show.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { at, coldRecord } from '../../../test/fixtures/records.ts'
import { openMigratedStore } from '../../../test/fixtures/temp-store.ts'
import { refreshRollups, writeStartups } from '../../rollups/index.ts'
import type { Querier } from '../../store/index.ts'
import { dashboardSnapshot } from './snapshot.ts'
import { startupAggregates } from './startup-aggregates.ts'

let cleanup: () => Promise<void>
let q: Querier
const MINUTE = 60_000
const nowMinute = Math.ceil(Date.now() / MINUTE) * MINUTE
/** From the hour before the fixtures to the next whole minute, as a named range resolves. */
const windowEnding = (toMs: number) => ({ from: at(-3_600_000), to: new Date(toMs).toISOString() })
const W = windowEnding(nowMinute)
const key = async (w = W) => (await dashboardSnapshot(q, w)).key

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  await writeStartups(q, [coldRecord()], 1_000)
}, 60_000)
afterAll(() => cleanup())

describe('dashboardSnapshot', () => {
  it('is stable while nothing changes, and when only the end of the window moved on', async () => {
    const k = await key()
    expect(await key()).toBe(k)
    expect(await key(windowEnding(nowMinute + MINUTE))).toBe(k)
    // The key is of this window's start: another start is another key.
    expect(await key({ ...W, from: at(-7_200_000) })).not.toBe(k)
  })

  it('changes when the rollup starts serving an hour, when a served hour is rewritten, and at each rebuild', async () => {
    const raw = await dashboardSnapshot(q, W)
    expect(raw.served.served).toHaveLength(0)
    await refreshRollups(q, { limit: 100 })
    const built = await dashboardSnapshot(q, W)
    // The fixture hour (and the empty closed hours around it) are now served.
    expect(built.served.served.some((s) => s.bucket === Date.parse(at(0)))).toBe(true)
    expect(built.key).not.toBe(raw.key)
    expect(await key()).toBe(built.key)
    const before = await startupAggregates(q)(W)
    await writeStartups(
      q,
      [
        coldRecord({
          uid: '5f0c8a52-1111-4c1e-9d7a-00000000aa01',
          createdAt: at(60_000),
          readyAt: at(70_000),
        }),
      ],
      1_000,
    )
    const dirty = await key()
    expect(dirty).not.toBe(built.key)
    await refreshRollups(q, { limit: 100 })
    const rebuilt = await key()
    expect(rebuilt).not.toBe(dirty)
    expect(rebuilt).not.toBe(built.key)
    // And the answers did change with it (one more startup).
    expect((await startupAggregates(q)(W))[0]?.startups).toBe((before[0]?.startups ?? 0) + 1)
  })

  it('changes with a new row, and with a new version of a row, in the open hour', async () => {
    const k = await key()
    const createdMs = nowMinute - 2 * MINUTE
    const created = new Date(createdMs).toISOString()
    const live = coldRecord({
      uid: '5f0c8a52-1111-4c1e-9d7a-00000000bb01',
      createdAt: created,
      readyAt: new Date(createdMs + 10_000).toISOString(),
    })
    await writeStartups(q, [live], 1_000)
    const added = await key()
    expect(added).not.toBe(k)
    await writeStartups(q, [live], 2_000)
    expect(await key()).not.toBe(added)
  })
})
