// Ad hoc Jobs (generateName: `cleanup-x7k2p`) are one workload per stem in startup aggregates and filters, through
// the rollups and the raw rows alike; Jobs with plain names and other kinds keep their names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { at, coldRecord, fixtureWindow } from '../../../test/fixtures/records.ts'
import { openMigratedStore } from '../../../test/fixtures/temp-store.ts'
import { refreshRollups, writeStartups } from '../../rollups/index.ts'
import type { Querier } from '../../store/index.ts'
import { slowestStartups } from '../startups.ts'
import { startupAggregates } from './startup-aggregates.ts'

let cleanup: () => Promise<void>
let q: Querier

const job = (i: number, kind: string, name: string) =>
  coldRecord({
    uid: `5f0c8a52-1111-4c1e-9d7a-0000000a${String(i).padStart(4, '0')}`,
    pod: `${name}-p${i}`,
    workload: { kind, name },
    createdAt: at(i * 60_000),
    readyAt: at(i * 60_000 + 12_000),
  })

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  await writeStartups(
    q,
    [
      job(1, 'Job', 'cleanup-x7k2p'),
      job(2, 'Job', 'cleanup-b9zq4'),
      job(3, 'Job', 'cleanup-mm5rt'),
      // Not generateName suffixes: a vowel, or six characters; and a Deployment whose name looks like one.
      job(4, 'Job', 'migrate-daily'),
      job(5, 'Job', 'backup-x7k2pq'),
      job(6, 'Deployment', 'web-x7k2p'),
    ],
    1_000,
  )
}, 60_000)
afterAll(() => cleanup())

const byWorkload = async (source: 'auto' | 'raw') =>
  Object.fromEntries(
    (await startupAggregates(q)({ ...fixtureWindow, groupBy: ['namespace', 'workload'], source })).map(
      (r) => [`${r.group.workloadKind} ${r.group.workload}`, r.startups],
    ),
  )

describe('ad hoc Jobs', () => {
  for (const built of [false, true]) {
    it(`group by their stem ${built ? 'through the rollups' : 'from raw rows'}`, async () => {
      if (built) await refreshRollups(q, { limit: 100 })
      const expected = {
        'Job cleanup-*': 3,
        'Job migrate-daily': 1,
        'Job backup-x7k2pq': 1,
        'Deployment web-x7k2p': 1,
      }
      expect(await byWorkload('auto')).toEqual(expected)
      expect(await byWorkload('raw')).toEqual(expected)
      const stem = await startupAggregates(q)({ ...fixtureWindow, filters: { workload: 'cleanup-*' } })
      expect(stem[0]?.startups).toBe(3)
      const one = await startupAggregates(q)({ ...fixtureWindow, filters: { workload: 'cleanup-b9zq4' } })
      expect(one[0]?.startups).toBe(1)
      // The stem filter matches ad hoc Jobs only, never a Deployment of a similar name.
      const web = await startupAggregates(q)({ ...fixtureWindow, filters: { workload: 'web-*' } })
      expect(web[0]?.startups ?? 0).toBe(0)
      const pods = await slowestStartups(q)({
        ...fixtureWindow,
        filters: { workload: 'cleanup-*' },
        limit: 10,
      })
      expect(pods.map((p) => p.pod).sort()).toEqual([
        'cleanup-b9zq4-p2',
        'cleanup-mm5rt-p3',
        'cleanup-x7k2p-p1',
      ])
    })
  }
})
