// The pull signals of the advice engine against the real embedded store: numbers checked by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { imagePullSummary, nodeImagePulls, pullBursts } from '../../queries/advice-pulls.ts'
import { insertStartups } from '../../queries/startups.ts'
import type { Querier } from '../../store/index.ts'
import { at, BASE_MS, openMigratedStore, startup, WINDOW } from './fixture-store.ts'

let q: Querier
let cleanup: () => Promise<void>
const APP = 'reg.example/shop/app:1'
const MB = 1_000_000

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  await q.insert('nodes', [
    {
      cluster: 'prod',
      node: 'node-a',
      runtime: 'containerd',
      pool: 'gpu',
      created_at: at(-86_400_000),
      version: 1,
    },
    {
      cluster: 'prod',
      node: 'node-b',
      runtime: 'containerd',
      pool: 'cpu',
      created_at: at(-86_400_000),
      version: 1,
    },
  ])
  const appPull = { image: APP, sizeBytes: 300 * MB }
  await insertStartups(
    q,
    [
      startup({
        uid: 'u1',
        node: 'node-a',
        phases: { scheduling: 100, pullWait: 1000, pull: 4000 },
        pulls: [
          { ...appPull, pullMs: 4000, waitMs: 1000, download: 1000, decompress: 3000, split: 'profile' },
          { image: 'reg.example/shop/migrate:1', init: true, pullMs: 500 },
        ],
      }),
      startup({
        uid: 'u2',
        node: 'node-b',
        createdAtMs: 60_000,
        phases: { sandbox: 400, pull: 6000 },
        pulls: [{ ...appPull, pullMs: 6000, download: 2000, decompress: 4000, split: 'size-model' }],
      }),
      startup({ uid: 'u3', node: 'node-a', phases: { start: 300 }, pulls: [{ image: APP, cached: true }] }),
      // Outside the window: not counted.
      startup({ uid: 'u-old', createdAtMs: -2 * 86_400_000, pulls: [{ ...appPull, pullMs: 9000 }] }),
    ],
    10,
  )
  // u4 was first written with a pull of an image its later version no longer lists.
  await insertStartups(q, [startup({ uid: 'u4', pulls: [{ image: 'reg.example/old:1', pullMs: 700 }] })], 10)
  await insertStartups(q, [startup({ uid: 'u4', pulls: [] })], 20)
})
afterAll(async () => cleanup?.())

describe('imagePullSummary', () => {
  it('sums cold pulls, waits, splits and nodes per image, latest record versions only', async () => {
    const rows = await imagePullSummary(q)({ ...WINDOW, cluster: 'prod' })
    expect(rows.map((r) => r.image)).toEqual([APP, 'reg.example/shop/migrate:1'])
    const app = rows[0]!
    expect(app).toMatchObject({
      pulls: 3,
      cachedPulls: 1,
      coldPulls: 2,
      failedPulls: 0,
      coldPullMs: 10_000,
      coldWaitMs: 1000,
      // quantileExact(0.9) over [5000, 6000] takes position floor(0.9 * 2) = 1.
      coldP90Ms: 6000,
      coldPullP90Ms: 6000,
      sizeBytes: 300 * MB,
      sizeKind: 'compressed',
      downloadMs: 3000,
      decompressMs: 7000,
      splitPullMs: 10_000,
      trustedSplits: 1,
      modelSplits: 1,
      readyColdPullWaitMs: 11_000,
      // u1 total 5100 + u2 total 6400.
      readyColdTotalMs: 11_500,
      coldNodes: 2,
      nodes: ['node-a', 'node-b'],
      pools: ['cpu', 'gpu'],
      namespaces: ['shop'],
      workloads: [{ namespace: 'shop', kind: 'Deployment', name: 'checkout' }],
    })
  })
})

describe('nodeImagePulls', () => {
  it('splits cold pulls per node with the node pool and split method', async () => {
    const rows = await nodeImagePulls(q)({ ...WINDOW })
    const app = rows.filter((r) => r.image === APP)
    expect(app).toEqual([
      expect.objectContaining({ node: 'node-a', pool: 'gpu', coldPulls: 1, pullMs: 4000, splitPulls: 1 }),
      expect.objectContaining({ node: 'node-b', pool: 'cpu', coldPulls: 1, pullMs: 6000, modelSplits: 1 }),
    ])
    expect(app[0]).toMatchObject({ downloadMs: 1000, decompressMs: 3000, trustedSplits: 1, modelSplits: 0 })
  })
})

describe('pullBursts', () => {
  it('buckets cold pulls by start, with distinct nodes and the median throughput', async () => {
    const rows = await pullBursts(q)({ ...WINDOW, bucketMinutes: 5 })
    const app = rows.filter((r) => r.image === APP)
    expect(app).toEqual([
      {
        cluster: 'prod',
        image: APP,
        bucket: new Date(BASE_MS).toISOString().replace('.000Z', 'Z'),
        nodes: 2,
        pulls: 2,
        bytes: 600 * MB,
        pullMs: 10_000,
        waitMs: 1000,
        // 300 MB in 4 s = 75 MB/s and in 6 s = 50 MB/s; quantileExact(0.5) of two takes the upper.
        medianBytesPerSec: 75 * MB,
        p90PullMs: 6000,
      },
    ])
  })
})
