// The pull signals of the advice engine against the real embedded store: numbers checked by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { imagePullSummary, nodeImagePulls, pullBursts } from '../../queries/advice-pulls.ts'
import type { Querier } from '../../store/index.ts'
import { insertStartups } from '../../writes/startups.ts'
import { collapsedBursts, p2p } from '../rules/p2p.ts'
import { at, BASE_MS, openMigratedStore, startup, WINDOW } from './fixture-store.ts'

let q: Querier
let cleanup: () => Promise<void>
const APP = 'reg.example/shop/app:1'
const API = 'reg.example/edge/api:3'
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
  // Cluster edge: one image unpacked on three nodes (20 minutes apart), two of them with trusted splits; a repository whose new
  // tag is pulled by three nodes in one bucket after a quiet bucket of its old tag; a quiet repository.
  const edge = (uid: string, node: string, createdAtMs: number, pull: Record<string, unknown>) =>
    startup({
      uid,
      cluster: 'edge',
      node,
      createdAtMs,
      pulls: [{ image: API, sizeBytes: 100 * MB, ...pull }],
    })
  await insertStartups(
    q,
    [
      edge('e1', 'node-a', 0, { pullMs: 4000, download: 1000, decompress: 3000, split: 'profile' }),
      edge('e2', 'node-b', 1_200_000, { pullMs: 8000, download: 1000, decompress: 7000, split: 'measured' }),
      edge('e3', 'node-c', 2_400_000, {
        pullMs: 5000,
        download: 2000,
        decompress: 3000,
        split: 'size-model',
      }),
      // web:1 quiet at +1 h (one node, 100 MB in 1 s); web:2 on three nodes at +2 h (2, 4 and 5 s).
      edge('w1', 'node-a', 3_600_000, { image: 'reg.example/edge/web:1', pullMs: 1000 }),
      edge('w2', 'node-a', 7_200_000, { image: 'reg.example/edge/web:2', pullMs: 2000 }),
      edge('w3', 'node-b', 7_200_000, { image: 'reg.example/edge/web:2', pullMs: 4000 }),
      edge('w4', 'node-c', 7_200_000, { image: 'reg.example/edge/web:2', pullMs: 5000 }),
      // db:1 quiet twice (100 MB in 4 s, then in 0.5 s).
      edge('d1', 'node-b', 3_600_000, { image: 'reg.example/edge/db:1', pullMs: 4000 }),
      edge('d2', 'node-b', 10_800_000, { image: 'reg.example/edge/db:1', pullMs: 500 }),
    ],
    10,
  )
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
      // The nearest-rank p90 of [5000, 6000] is rank ceil(0.9 * 2) = 2.
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

describe('nodeImagePulls narrowed to trusted peers', () => {
  it('keeps nodes whose splits are trusted enough, on images with two such nodes', async () => {
    const all = await nodeImagePulls(q)({ ...WINDOW, cluster: 'edge' })
    expect(all.filter((r) => r.image === API).map((r) => r.node)).toEqual(['node-a', 'node-b', 'node-c'])
    const trusted = await nodeImagePulls(q)({ ...WINDOW, cluster: 'edge', minTrustedShare: 0.5 })
    expect(trusted.map((r) => [r.image, r.node])).toEqual([
      [API, 'node-a'],
      [API, 'node-b'],
    ])
    expect(trusted[1]).toMatchObject({ decompressMs: 7000, splitPulls: 1, trustedSplits: 1 })
    // prod's app:1 has one trusted node (node-a) and one size-model node: nothing to compare.
    expect(await nodeImagePulls(q)({ ...WINDOW, cluster: 'prod', minTrustedShare: 0.5 })).toEqual([])
    // A share of 0 keeps every node with a split.
    const any = await nodeImagePulls(q)({ ...WINDOW, cluster: 'edge', minTrustedShare: 0 })
    expect(any.map((r) => r.node)).toEqual(['node-a', 'node-b', 'node-c'])
  })
})

describe('pullBursts narrowed to repositories with a burst', () => {
  it('keeps the burst repository with the cluster quiet median, and collapses the same bursts', async () => {
    const all = await pullBursts(q)({ ...WINDOW, cluster: 'edge', bucketMinutes: 5 })
    const narrowed = await pullBursts(q)({ ...WINDOW, cluster: 'edge', bucketMinutes: 5, burstNodes: 3 })
    expect(narrowed.map((r) => [r.image, r.nodes])).toEqual([
      ['reg.example/edge/web:1', 1],
      ['reg.example/edge/web:2', 3],
    ])
    // Quiet buckets (under 3 nodes): api:3 25, 12.5 and 20 MB/s (100 MB in 4, 8, 5 s), web:1 100 MB/s, db:1
    // 25 and 200 MB/s. Sorted 12.5, 20, 25, 25, 100, 200: the upper middle, 25 MB/s.
    expect(narrowed.every((r) => r.clusterQuietBytesPerSec === 25 * MB)).toBe(true)
    expect(all.every((r) => r.clusterQuietBytesPerSec === undefined)).toBe(true)
    const t = p2p.thresholds.parse({ burstNodes: 3 })
    const strip = (c: ReturnType<typeof collapsedBursts>) =>
      c.map(({ bursts, ...rest }) => ({
        ...rest,
        bursts: bursts.map(({ clusterQuietBytesPerSec, ...b }) => b),
      }))
    const fromAll = collapsedBursts(all, t)
    expect(fromAll).toHaveLength(1)
    // web:2's median is 25 MB/s (100 MB in 4 s) against web:1's quiet 100 MB/s from the same repository.
    expect(fromAll[0]).toMatchObject({
      image: 'reg.example/edge/web:2',
      baseline: 100 * MB,
      baselineFrom: 'repository',
    })
    expect(strip(collapsedBursts(narrowed, t))).toEqual(strip(fromAll))
    // Without a quiet bucket of its repository, the baseline is the cluster's quiet median from every bucket.
    const noRepo = narrowed.filter((r) => r.image !== 'reg.example/edge/web:1')
    expect(collapsedBursts(noRepo, { ...t, collapseRatio: 1 })).toMatchObject([
      { image: 'reg.example/edge/web:2', baseline: 25 * MB, baselineFrom: 'cluster' },
    ])
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
        // 300 MB in 4 s = 75 MB/s and in 6 s = 50 MB/s; the nearest-rank median of two is rank ceil(0.5 * 2) = 1,
        // the lower (ClickHouse's plain quantileExact(0.5) would take index floor(0.5 * 2) = 1, the upper).
        medianBytesPerSec: 50 * MB,
        p90PullMs: 6000,
      },
    ])
  })
})
