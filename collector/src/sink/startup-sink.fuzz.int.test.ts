// Property suite over the one write path, against the real embedded store: records the engine builds from
// generated pods and events, plus extreme copies (created in 1899/2400/9999 or garbage, durations past the
// ceiling or negative, broken shapes), pushed through a StartupSink. After close: every startup the bounds
// accept is stored (once per uid, whatever the number of pushes), every push the bounds refuse is one row in
// rejected_records with a non-empty reason, the store refuses nothing the bounds accepted, nothing is left in
// the queue. Seeded; PODSTART_FUZZ_RUNS=<n> runs more (each run writes to a cluster of its own).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { countStartups } from '@podstart/schema/queries'
import type { StartupRecord } from '@podstart/schema/record'
import { createQuerier, migrate, openStore, type Querier, type Store } from '@podstart/schema/store'
import { boundStartupRecord } from '@podstart/schema/writes'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { clusterUpdates, fuzzRuns } from '../../test/fuzz/arbitraries.ts'
import { analyzeBatch, type WatchUpdate } from '../lifecycle/index.ts'
import { StartupSink } from './startup-sink.ts'

const dir = mkdtempSync(join(tmpdir(), 'podstart-sink-fuzz-'))
let store: Store
let q: Querier
const NOW = Date.now()

beforeAll(async () => {
  store = await openStore({ dataDir: join(dir, 'store'), database: 'podstart' })
  await migrate(store, { log: () => undefined })
  q = createQuerier(store)
}, 120_000)
afterAll(async () => {
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Ways to make a record extreme; the engine's own records are shifted to end just before NOW. */
const mutation = fc.constantFrom(
  'none',
  'none',
  'none',
  'created-1899',
  'created-2400',
  'created-9999',
  'created-garbage',
  'total-60d',
  'pull-forged',
  'negative',
  'no-phases',
  'not-object',
)

function mutate(r: StartupRecord, how: string): StartupRecord {
  const c = structuredClone(r) as StartupRecord & Record<string, unknown>
  switch (how) {
    case 'created-1899':
      c.createdAt = '1899-12-31T23:59:59.000Z'
      break
    case 'created-2400':
      c.createdAt = '2400-01-01T00:00:00.000Z'
      break
    case 'created-9999':
      c.createdAt = '9999-12-31T23:59:59.000Z'
      break
    case 'created-garbage':
      c.createdAt = 'yesterday'
      break
    case 'total-60d':
      c.totalMs = 60 * 86_400_000
      c.phases.ready = 60 * 86_400_000
      break
    case 'pull-forged':
      c.pulls.forEach((p) => {
        p.pullMs = 99_999_999 * 3_600_000
      })
      c.phases.pull = 99_999_999 * 3_600_000
      break
    case 'negative':
      c.phases.scheduling = -5_000
      c.sloMs = -1
      break
    case 'no-phases':
      delete (c as Partial<StartupRecord>).phases
      break
    case 'not-object':
      return null as unknown as StartupRecord
  }
  return c
}

const rejectedRow = z.object({ record_key: z.string(), reason: z.string() })

let runNo = 0
let totalGood = 0
let totalBad = 0
describe('StartupSink under generated and extreme records', () => {
  it('stores every good startup once, sets aside every bad push with its reason, drains its queue', async () => {
    await fc.assert(
      fc.asyncProperty(
        clusterUpdates(8),
        fc.array(mutation, { minLength: 200, maxLength: 200 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 50 }),
        async (updates, how, repeats, batchSize) => {
          const cluster = `fuzz-${runNo++}`
          const built = analyzeBatch(
            updates.map((u) => ({ update: u.update as WatchUpdate, observedAtMs: u.observedAtMs })),
            { cluster },
          )
          const pushes: StartupRecord[] = []
          for (let k = 0; k < repeats; k++)
            built.forEach((r, i) => {
              pushes.push(mutate(r, how[(i + k * 7) % how.length] as string))
            })
          const sink = new StartupSink({
            querier: q,
            cluster,
            source: 'import',
            batchSize,
            maxRetryMs: 10_000,
          })
          const good = new Set<string>()
          let bad = 0
          for (const r of pushes) {
            if (boundStartupRecord(r, NOW).ok) good.add(`${r.namespace}/${r.uid}`)
            else bad++
            await sink.push(r)
          }
          const left = await sink.close()
          expect(left).toEqual({ pod_startups: 0, rejected_records: 0 })
          expect(sink.depth).toBe(0)
          const stats = sink.stats()
          // Nothing the bounds accepted was refused by the store.
          expect(stats.rejected['pod_startups:store-refused'] ?? 0).toBe(0)
          expect(await countStartups(q)({ cluster }), `stored ${JSON.stringify(stats)}`).toBe(good.size)
          const rows = await q.query(
            'test.rejected',
            'SELECT record_key, reason FROM rejected_records WHERE cluster = {c:String}',
            { c: cluster },
            rejectedRow,
          )
          expect(rows.length, 'rejected rows').toBe(bad)
          expect(Object.values(stats.rejected).reduce((a, b) => a + b, 0)).toBe(bad)
          for (const row of rows) expect(row.reason.length).toBeGreaterThan(0)
          totalGood += good.size
          totalBad += bad
        },
      ),
      { seed: 16_017, numRuns: fuzzRuns(40) },
    )
    // Both sides of the write path were exercised, not just one.
    expect(totalGood).toBeGreaterThan(40)
    expect(totalBad).toBeGreaterThan(40)
  }, 300_000)
})
