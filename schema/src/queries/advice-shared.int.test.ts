// The shared pass (one join of the window's pulls to a scratch table every pull signal reads) against each
// signal's own query (the exact path, its own join), on a store with the cases that decide which rows count:
// startups re-written with a newer version that drops a pull or all of them, pulls in the open hour and in
// closed hours, outside the window, failed and retried pulls, several nodes of a burst, Always-on-digest pulls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { at, openMigratedStore, startup, WINDOW } from '../advice/signals/fixture-store.ts'
import type { StartupRecord } from '../record/types.ts'
import type { Querier } from '../store/index.ts'
import { insertStartups } from '../writes/startups.ts'
import { alwaysPullOnDigest } from './advice-inventory.ts'
import { imagePullSummary, nodeImagePulls, pullBursts } from './advice-pulls.ts'
import { PULL_SIGNALS, sharedPullSignals, sweepStaleSharedPulls } from './advice-shared.ts'

let q: Querier
let cleanup: () => Promise<void>
const MB = 1_000_000
const APP = 'reg.example/shop/app:1'
const PINNED = 'reg.example/shop/pinned@sha256:aaaa'
const HOUR = 3_600_000
const NODES = ['node-a', 'node-b', 'node-c', 'node-d']

/** A record with its pulls' attempts and failure set (the fixture builder writes first-try successes). */
function withPulls(
  r: StartupRecord,
  edit: (p: StartupRecord['pulls'][number], i: number) => Partial<StartupRecord['pulls'][number]>,
): StartupRecord {
  return { ...r, pulls: r.pulls.map((p, i) => ({ ...p, ...edit(p, i) })) }
}

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  await q.insert(
    'nodes',
    NODES.map((node, i) => ({
      cluster: 'prod',
      node,
      runtime: 'containerd',
      pool: i % 2 ? 'cpu' : 'gpu',
      created_at: at(-86_400_000),
      version: 1,
    })),
  )
  await q.insert('workload_images', [
    {
      cluster: 'prod',
      namespace: 'shop',
      workload_kind: 'Deployment',
      workload_name: 'pinned',
      container: 'c0',
      init: false,
      image: PINNED,
      pull_policy: 'Always',
      immutable_reference: true,
      last_seen_at: at(0),
      version: 1,
    },
  ])
  const first: StartupRecord[] = []
  // A burst: four nodes pull APP within one 5-minute bucket of a closed hour, with trusted splits.
  for (const [i, node] of NODES.entries())
    first.push(
      startup({
        uid: `burst-${i}`,
        node,
        createdAtMs: i * 20_000,
        phases: { pull: 4000 + i * 1000 },
        pulls: [
          {
            image: APP,
            pullMs: 4000 + i * 1000,
            waitMs: 100 * i,
            sizeBytes: 300 * MB,
            download: 1000 + i * 100,
            decompress: 3000 + i * 900,
            split: i === 3 ? 'size-model' : 'profile',
          },
        ],
      }),
    )
  // Re-written later (see below): the newer version drops the init pull, and the other's drops every pull.
  first.push(
    startup({
      uid: 'rewritten',
      node: 'node-a',
      createdAtMs: 2 * HOUR,
      pulls: [
        { image: APP, pullMs: 7000, sizeBytes: 300 * MB },
        {
          image: 'reg.example/shop/migrate:1',
          container: 'init',
          init: true,
          pullMs: 900,
          sizeBytes: 10 * MB,
        },
      ],
    }),
    startup({
      uid: 'rewritten-empty',
      node: 'node-b',
      createdAtMs: 2 * HOUR + 1000,
      pulls: [{ image: APP, pullMs: 8000, sizeBytes: 300 * MB }],
    }),
  )
  // Failed and retried pulls, in the open (last) hour of the window.
  const openHour = 22 * HOUR + 60_000
  first.push(
    withPulls(
      startup({
        uid: 'failed',
        node: 'node-c',
        createdAtMs: openHour,
        ready: false,
        pulls: [{ image: APP, pullMs: null, outcome: 'failed' }],
      }),
      () => ({ attempts: 4, failureReason: 'ErrImagePull' }),
    ),
    withPulls(
      startup({
        uid: 'retried',
        node: 'node-d',
        createdAtMs: openHour + 5000,
        pulls: [{ image: APP, pullMs: 3000, waitMs: 12_000, sizeBytes: 300 * MB }],
      }),
      () => ({ attempts: 3, failureReason: 'ImagePullBackOff' }),
    ),
    startup({
      uid: 'cached',
      node: 'node-a',
      createdAtMs: openHour + 9000,
      pulls: [{ image: APP, cached: true }],
    }),
  )
  // Always on a digest: three pulls of the same node (two repeats) and one on another node.
  for (const [i, node] of ['node-a', 'node-a', 'node-a', 'node-b'].entries())
    first.push(
      startup({
        uid: `pinned-${i}`,
        node,
        workload: { kind: 'Deployment', name: 'pinned' },
        createdAtMs: 5 * HOUR + i * 600_000,
        pulls: [{ image: PINNED, pullMs: 300 + i * 100, sizeBytes: 50 * MB }],
      }),
    )
  // Outside the window: never counted.
  first.push(startup({ uid: 'old', createdAtMs: -2 * 86_400_000, pulls: [{ image: APP, pullMs: 9000 }] }))
  await insertStartups(q, first, 10)
  const rewritten = first.find((r) => r.uid === 'rewritten') as StartupRecord
  const rewrittenEmpty = first.find((r) => r.uid === 'rewritten-empty') as StartupRecord
  await insertStartups(
    q,
    [
      { ...rewritten, pulls: rewritten.pulls.filter((p) => !p.init) },
      { ...rewrittenEmpty, pulls: [], cold: false },
    ],
    20,
  )
})

afterAll(async () => cleanup?.())

const settings = { minTrustedShare: 0.5, bucketMinutes: 5, burstNodes: 3 }

describe('sharedPullSignals', () => {
  it('returns the same rows, in the same order, as each signal on its own', async () => {
    for (const s of [
      settings,
      { bucketMinutes: 5 },
      { minTrustedShare: 0, bucketMinutes: 60, burstNodes: 2 },
    ]) {
      const base = { ...WINDOW, cluster: 'prod' }
      const shared = await sharedPullSignals(q)({ ...base, ...s })
      expect(shared.imagePullSummary).toEqual(await imagePullSummary(q)(base))
      expect(shared.nodeImagePulls).toEqual(
        await nodeImagePulls(q)({
          ...base,
          minTrustedShare: 'minTrustedShare' in s ? s.minTrustedShare : undefined,
        }),
      )
      expect(shared.pullBursts).toEqual(
        await pullBursts(q)({
          ...base,
          bucketMinutes: s.bucketMinutes,
          burstNodes: 'burstNodes' in s ? s.burstNodes : undefined,
        }),
      )
      expect(shared.alwaysPullOnDigest).toEqual(await alwaysPullOnDigest(q)(base))
    }
  })

  it('counts only the latest version of each startup and the window: figures by hand', async () => {
    const shared = await sharedPullSignals(q)({ ...WINDOW, ...settings })
    const app = shared.imagePullSummary.find((r) => r.image === APP)
    // 4 burst pulls + rewritten's APP pull + failed + retried + cached; not rewritten-empty's (its latest
    // version has none), not the old startup's.
    expect(app?.pulls).toBe(8)
    expect(app?.cachedPulls).toBe(1)
    expect(app?.failedPulls).toBe(1)
    expect(app?.retriedPulls).toBe(1)
    expect(app?.failureReasons).toEqual(['ErrImagePull', 'ImagePullBackOff'])
    // Cold pulls' pull + wait: 4000+0, 5000+100, 6000+200, 7000+300, 7000 (rewritten), 3000+12000 (retried);
    // the nearest-rank p90 of those 6 is rank ceil(5.4) = 6 -> 15000.
    expect(app?.coldPulls).toBe(6)
    expect(app?.coldP90Ms).toBe(15_000)
    // The init pull the newer version dropped is gone with it.
    expect(shared.imagePullSummary.some((r) => r.image === 'reg.example/shop/migrate:1')).toBe(false)
    // Always on a digest: node-a pulled 300, 400, 500 ms (two repeats: 400 + 500), node-b once.
    const pinned = shared.alwaysPullOnDigest.find((r) => r.image === PINNED)
    expect(pinned).toMatchObject({ pulls: 4, repeatPulls: 2, repeatMs: 900, repeatP90Ms: 500 })
    // The burst: 4 nodes in the first bucket, median throughput at the nearest rank (rank 2 of 4): 300 MB
    // over 4, 5, 6, 7 s -> 75, 60, 50, 42.86 MB/s sorted up: 42.86, 50, 60, 75 -> 50 MB/s.
    const burst = shared.pullBursts.find((r) => r.image === APP && r.nodes === 4)
    expect(burst?.medianBytesPerSec).toBe(50 * MB)
    expect(burst?.p90PullMs).toBe(7000)
  })

  it('computes only the signals asked for', async () => {
    const only = await sharedPullSignals(q)({ ...WINDOW, ...settings, signals: ['pullBursts'] })
    expect(only.imagePullSummary).toEqual([])
    expect(only.pullBursts.length).toBeGreaterThan(0)
    const none = await sharedPullSignals(q)({ ...WINDOW, ...settings, signals: [] })
    expect(Object.values(none).every((rows) => rows.length === 0)).toBe(true)
    expect(PULL_SIGNALS).toHaveLength(4)
  })

  it('drops its scratch table when it ends', async () => {
    await sharedPullSignals(q)({ ...WINDOW, ...settings })
    const left = await q.query(
      'test.scratchTables',
      "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND startsWith(name, 'advice_pulls_')",
      {},
      z.object({ n: z.union([z.number(), z.string()]).transform(Number) }),
    )
    expect(left[0]?.n).toBe(0)
  })

  it('a later pass drops scratch tables a dead pass left behind, once they are old; never other tables', async () => {
    const orphan = `advice_pulls_${'ab'.repeat(16)}`
    await q.command(`CREATE TABLE ${orphan} (x UInt8) ENGINE = MergeTree ORDER BY tuple()`)
    await q.command('CREATE TABLE advice_pulls_keep (x UInt8) ENGINE = MergeTree ORDER BY tuple()')
    const tables = async () =>
      (
        await q.query(
          'test.scratchNames',
          "SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, 'advice_pulls_') ORDER BY name",
          {},
          z.object({ name: z.string() }),
        )
      ).map((r) => r.name)
    // A pass keeps a young one (it may belong to a pass still running elsewhere).
    await sharedPullSignals(q)({ ...WINDOW, ...settings })
    expect(await tables()).toEqual([orphan, 'advice_pulls_keep'])
    // Old enough (age 0 here): dropped; a table outside the scratch name pattern never is.
    expect(await sweepStaleSharedPulls(q, 0)).toEqual([orphan])
    expect(await tables()).toEqual(['advice_pulls_keep'])
    await q.command('DROP TABLE advice_pulls_keep')
  })
})
