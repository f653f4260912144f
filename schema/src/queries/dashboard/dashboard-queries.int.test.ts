// Pull and rollout questions of the dashboard against the real embedded engine, checked by hand on fixtures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { at, coldRecord, fixtureWindow } from '../../../test/fixtures/records.ts'
import { openMigratedStore } from '../../../test/fixtures/temp-store.ts'
import { refreshRollups, writeStartups } from '../../rollups/index.ts'
import type { Querier } from '../../store/index.ts'
import { concurrentPulls } from './concurrent-pulls.ts'
import { imagePullStats, nodeCacheHits, pullFailures } from './image-pulls.ts'
import { startupAggregates } from './startup-aggregates.ts'
import { workloadRollouts } from './workload-rollouts.ts'

let cleanup: () => Promise<void>
let q: Querier

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  const a = coldRecord()
  const b = coldRecord({
    uid: '5f0c8a52-1111-4c1e-9d7a-0000000000b2',
    pod: 'checkout-7d9f8b6c5-bbbbb',
    node: 'node-b',
    createdAt: at(20_000),
    readyAt: at(32_000),
  })
  const app = a.pulls[1]
  if (!app) throw new Error('fixture has two pulls')
  // c: warm start on node-a, its app image was cached; its migrate pull failed for good.
  const c = coldRecord({
    uid: '5f0c8a52-1111-4c1e-9d7a-0000000000c3',
    pod: 'checkout-7d9f8b6c5-ccccc',
    createdAt: at(40_000),
    readyAt: at(52_000),
    pulls: [
      { ...(a.pulls[0] as typeof app), outcome: 'failed', failureReason: 'ErrImagePull' },
      { ...app, cached: true, pullMs: 0, waitMs: 0, downloadMs: null, decompressMs: null, splitMethod: null },
    ],
  })
  await writeStartups(q, [a, b, c], 1_000)
  await q.insert('workload_rollouts', [
    {
      cluster: 'prod-eu',
      namespace: 'shop',
      workload_kind: 'Deployment',
      workload_name: 'checkout',
      revision: '7',
      replica_set: 'checkout-7d9f8b6c5',
      started_at: at(-1_000).replace('T', ' ').replace('Z', ''),
      template_hash: '7d9f8b6c5',
      image_only: true,
      images: ['registry.example/shop/checkout:2.1'],
      version: 1,
    },
  ])
})
afterAll(async () => cleanup?.())

describe('dashboard pull queries', () => {
  it('pull failures per hour count failed pulls by reason', async () => {
    const points = await pullFailures(q)({ ...fixtureWindow })
    expect(points).toHaveLength(1)
    expect(points[0]).toMatchObject({ pulls: 5, failed: 1, reasons: { ErrImagePull: 1 } })
  })

  it('pull stats by image and size class carry the split and its method', async () => {
    const stats = await imagePullStats(q)({ ...fixtureWindow })
    const app = stats.find((s) => s.image === 'registry.example/shop/checkout:2.1')
    expect(app).toMatchObject({
      sizeClass: '>= 1 GB',
      pulls: 2,
      cached: 1,
      p50PullMs: 6100,
      meanDownloadMs: 1900,
      meanDecompressMs: 4200,
      splitMethods: { profile: 2 },
    })
  })

  it('cache hits per node and concurrent pulls of one image', async () => {
    const hits = await nodeCacheHits(q)({ ...fixtureWindow })
    expect(hits).toEqual([
      { node: 'node-b', lookups: 2, cached: 0, hitRate: 0 },
      { node: 'node-a', lookups: 4, cached: 1, hitRate: 0.25 },
    ])
    const concurrent = await concurrentPulls(q)({ ...fixtureWindow })
    // a (node-a) and b (node-b) start their app pulls 20 s apart: same minute, two nodes.
    expect(concurrent.find((c) => c.image.endsWith('checkout:2.1'))?.peakNodes).toBe(2)
  })

  it('rollouts: the new ReplicaSet is done when its last pod is Ready', async () => {
    const rollouts = await workloadRollouts(q)({ ...fixtureWindow, namespace: 'shop', workload: 'checkout' })
    expect(rollouts).toEqual([
      expect.objectContaining({
        replicaSet: 'checkout-7d9f8b6c5',
        pods: 3,
        readyPods: 3,
        durationMs: 53_000,
      }),
    ])
  })

  it('cold vs warm from startup aggregates', async () => {
    const kinds = await startupAggregates(q)({ ...fixtureWindow, groupBy: ['startKind'] })
    expect(kinds.map((k) => [k.group.startKind, k.startups])).toEqual([['cold', 3]])
  })

  it('pull rollup: same answers as raw rows for every filter, read from pull_rollup_grains once built', async () => {
    const filterSets = [
      {},
      { cluster: 'prod-eu' },
      { node: 'node-a' },
      { image: 'registry.example/shop/checkout:2.1' },
      { namespace: 'shop' },
    ]
    const ask = (source: 'auto' | 'raw', filters: object) =>
      Promise.all([
        pullFailures(q)({ ...fixtureWindow, filters, source }),
        imagePullStats(q)({ ...fixtureWindow, filters, source }),
        nodeCacheHits(q)({ ...fixtureWindow, filters, source }),
      ])
    const before = await ask('auto', {})
    await refreshRollups(q)
    for (const filters of filterSets)
      expect(await ask('auto', filters), JSON.stringify(filters)).toEqual(await ask('raw', filters))
    expect(await ask('auto', {})).toEqual(before)
    // Finer than an hour: raw rows by minute, same counts (all three startups fall in one minute).
    const minutes = await pullFailures(q)({ ...fixtureWindow, stepSeconds: 60 })
    expect(minutes.map((m) => [m.pulls, m.failed])).toEqual([[5, 1]])
    // Proof the rollup is read: without the pull rows, the rollup still answers and raw rows are gone.
    await q.command('DELETE FROM image_pulls WHERE 1')
    expect(await ask('auto', {})).toEqual(before)
    expect((await ask('raw', {}))[1]).toEqual([])
  })
})
