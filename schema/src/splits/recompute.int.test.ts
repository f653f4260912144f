import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { at, BASE_MS, coldRecord, fixtureWindow } from '../../test/fixtures/records.ts'
import { openTempStore } from '../../test/fixtures/temp-store.ts'
import { phaseBreakdown } from '../queries/phase-breakdown.ts'
import { countStartups, startupByUid } from '../queries/startups.ts'
import type { StartupRecord } from '../record/types.ts'
import { createQuerier, migrate, type Querier } from '../store/index.ts'
import { insertStartups } from '../writes/startups.ts'
import { importMeasuredSplits } from './measured.ts'
import type { SplitLookups } from './model.ts'
import { defaultSplitRates } from './rates.ts'
import { recomputeSplits } from './recompute.ts'

const CHECKOUT = 'registry.example/shop/checkout:2.1'
const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
const L1 = `sha256:${'1'.repeat(64)}`
const L2 = `sha256:${'2'.repeat(64)}`

let q: Querier
let cleanup: () => Promise<void>

beforeAll(async () => {
  const t = await openTempStore()
  cleanup = t.cleanup
  await migrate(t.store, { log: () => undefined })
  q = createQuerier(t.store)
})
afterAll(async () => cleanup?.())

/**
 * Size-model splits as the defaults give them (1/150 MB/s + 1/45 MB/s per uncompressed byte, ratio 2.5):
 * init 3 MB compressed -> 7.5 MB -> 217 ms of its 800; app 30 MB -> 75 MB -> 2167 ms of its 6100.
 */
function sizeModelRecord(uid: string, over: Partial<StartupRecord> = {}): StartupRecord {
  const base = coldRecord({ uid })
  const [init, app] = base.pulls as [StartupRecord['pulls'][0], StartupRecord['pulls'][0]]
  return {
    ...base,
    phases: { ...base.phases, download: 3933, decompress: 2167 },
    pulls: [
      { ...init, sizeBytes: 3_000_000, downloadMs: 583, decompressMs: 217, splitMethod: 'size-model' },
      { ...app, sizeBytes: 30_000_000, downloadMs: 3933, decompressMs: 2167, splitMethod: 'size-model' },
    ],
    ...over,
  }
}

const A = 'uid-a-0000000000000001'
const B = 'uid-b-0000000000000002'
const C = 'uid-c-0000000000000003'

const lookups: SplitLookups = {
  splitRates: () => defaultSplitRates(),
  // The profile: 120 MB uncompressed, inflate 200 MB/s, extract 60 MB/s -> 0.6 s + 2.0 s = 2600 ms.
  imageProfile: (image, digest) =>
    digest === DIGEST || image === CHECKOUT
      ? {
          compressedBytes: 40_000_000,
          uncompressedBytes: 120_000_000,
          rates: { inflateBytesPerSec: 200e6, extractBytesPerSec: 60e6 },
        }
      : undefined,
}

const rawCount = async (table: string, uid: string) =>
  (
    await q.query(
      'test.raw',
      `SELECT count() AS n FROM ${table === 'pod_startups' ? 'pod_startups' : 'image_pulls'} WHERE uid = {uid:String}`,
      { uid },
      z.object({ n: z.union([z.string(), z.number()]).transform(Number) }),
    )
  )[0]?.n

describe('recomputing stored splits', () => {
  it('stores size-model splits, then a profile arrives: the matching startups get profile splits once', async () => {
    const a = sizeModelRecord(A)
    // B pulls another image on another node: nothing of it changes.
    const b0 = sizeModelRecord(B, { node: 'node-b' })
    const b = {
      ...b0,
      pulls: b0.pulls.map((p) => ({ ...p, image: p.init ? p.image : 'other/app:1', imageDigest: null })),
      containers: (b0.containers ?? []).map((c) => (c.init ? c : { ...c, image: 'other/app:1' })),
    }
    // C's checkout pull was measured: an estimate never replaces it.
    const c0 = sizeModelRecord(C)
    const c = {
      ...c0,
      phases: { ...c0.phases, download: 5000, decompress: 1100 },
      pulls: c0.pulls.map((p) =>
        p.init ? p : { ...p, downloadMs: 5000, decompressMs: 1100, splitMethod: 'measured' as const },
      ),
    }
    await insertStartups(q, [a, b, c], 1_000)

    const progress: number[] = []
    const summary = await recomputeSplits(q, lookups, {
      cluster: 'prod-eu',
      digests: [DIGEST],
      pageSize: 2,
      onProgress: (s) => progress.push(s.startups),
    })
    // A and C carry the digest; only A changes (C's one estimate-able pull is the unchanged init).
    expect(summary).toMatchObject({ startups: 2, rewritten: 1, pulls: 1, byMethod: { profile: 1 } })
    expect(progress).toEqual([2])

    const back = await startupByUid(q)({ cluster: 'prod-eu', uid: A })
    expect(back?.pulls.map((p) => [p.container, p.downloadMs, p.decompressMs, p.splitMethod])).toEqual([
      ['migrate', 583, 217, 'size-model'],
      ['app', 3500, 2600, 'profile'],
    ])
    expect(back?.phases).toMatchObject({ pull: 6100, download: 3500, decompress: 2600 })
    // Everything else of the row is as written.
    expect({ ...back, phases: null, pulls: null }).toEqual({ ...a, phases: null, pulls: null })

    const cBack = await startupByUid(q)({ cluster: 'prod-eu', uid: C })
    expect(cBack?.pulls[1]).toMatchObject({ downloadMs: 5000, decompressMs: 1100, splitMethod: 'measured' })
    const bBack = await startupByUid(q)({ cluster: 'prod-eu', uid: B })
    expect(bBack?.pulls[1]?.splitMethod).toBe('size-model')

    // Two row versions of A are stored (no OPTIMIZE ran); readers count it once.
    expect(await rawCount('pod_startups', A)).toBe(2)
    expect(await rawCount('image_pulls', A)).toBe(4)
    expect(await countStartups(q)({ cluster: 'prod-eu' })).toBe(3)
    const [row] = await phaseBreakdown(q)({ ...fixtureWindow, filters: { cluster: 'prod-eu' } })
    expect(row?.startups).toBe(3)
    expect(row?.phases.decompress.count).toBe(3)

    // The rollup bucket of A was marked dirty.
    const bucket = new Date(BASE_MS - (BASE_MS % 3_600_000)).toISOString().replace('T', ' ').slice(0, 19)
    const marks = await q.query(
      'test.marks',
      `SELECT count() AS n FROM startup_rollup_dirty WHERE bucket = {bucket:DateTime('UTC')}`,
      { bucket },
      z.object({ n: z.union([z.string(), z.number()]).transform(Number) }),
    )
    expect(marks[0]?.n).toBeGreaterThanOrEqual(2)

    // Running again changes nothing.
    const again = await recomputeSplits(q, lookups, { cluster: 'prod-eu' })
    expect(again).toMatchObject({ startups: 3, rewritten: 0, pulls: 0 })
    expect(await rawCount('pod_startups', A)).toBe(2)
  })

  it('writes measured splits from containerd applies on the matching pulls of that node only', async () => {
    const summary = await importMeasuredSplits(q, {
      cluster: 'prod-eu',
      node: 'node-a',
      applies: [
        // A's app pull runs 4850 -> 10950: two of its layers, known by digest from the profile.
        { at: at(6_000), digest: L1, durationMs: 1200.4 },
        { at: at(9_000), digest: L2, durationMs: 900 },
        // Inside the init pull's window (960 -> 1760); its image has no profile, so the window decides.
        { at: at(1_500), digest: `sha256:${'3'.repeat(64)}`, durationMs: 100 },
        // Long after every pull.
        { at: at(500_000), digest: `sha256:${'4'.repeat(64)}`, durationMs: 50 },
      ],
      layersOf: (image) => (image === CHECKOUT ? [L1, L2] : undefined),
    })
    // C's pulls have the same windows on node-a: the init applies are ambiguous between A and C, the app
    // layers match both A's and C's checkout pull by digest, so they are ambiguous too.
    expect(summary).toMatchObject({ applies: 4, unmatched: 1, ambiguous: 3, matchedPulls: 0, rewritten: 0 })
  })

  it('matches by digest and window when one pull fits', async () => {
    const d = sizeModelRecord('uid-d-0000000000000004', {
      node: 'node-d',
      createdAt: at(3_600_000),
    })
    const shifted = {
      ...d,
      boundaries: Object.fromEntries(
        Object.entries(d.boundaries).map(([k, v]) => [
          k,
          v ? { ...v, at: new Date(Date.parse(v.at) + 3_600_000).toISOString() } : v,
        ]),
      ),
      readyAt: at(3_612_000),
      pulls: d.pulls.map((p) => ({
        ...p,
        startedAt: new Date(Date.parse(p.startedAt as string) + 3_600_000).toISOString(),
      })),
      containers: (d.containers ?? []).map((c) =>
        Object.fromEntries(
          Object.entries(c).map(([k, v]) =>
            k.endsWith('At') && typeof v === 'string'
              ? [k, new Date(Date.parse(v) + 3_600_000).toISOString()]
              : [k, v],
          ),
        ),
      ),
    } as StartupRecord
    await insertStartups(q, [shifted], 2_000)
    const summary = await importMeasuredSplits(q, {
      cluster: 'prod-eu',
      node: 'node-d',
      applies: [
        { at: at(3_606_000), digest: L1, durationMs: 1200.4 },
        { at: at(3_609_000), digest: L2, durationMs: 900 },
        { at: at(3_601_500), digest: `sha256:${'3'.repeat(64)}`, durationMs: 100 },
        { at: at(4_000_000), digest: `sha256:${'4'.repeat(64)}`, durationMs: 50 },
      ],
      layersOf: (image) => (image === CHECKOUT ? [L1, L2] : undefined),
    })
    expect(summary).toMatchObject({ applies: 4, unmatched: 1, ambiguous: 0, matchedPulls: 2, rewritten: 1 })
    const back = await startupByUid(q)({ cluster: 'prod-eu', uid: 'uid-d-0000000000000004' })
    // app: 1200.4 + 900 -> 2100 of 6100; init: 100 of 800.
    expect(back?.pulls.map((p) => [p.container, p.downloadMs, p.decompressMs, p.splitMethod])).toEqual([
      ['migrate', 700, 100, 'measured'],
      ['app', 4000, 2100, 'measured'],
    ])
    expect(back?.phases).toMatchObject({ download: 4000, decompress: 2100 })
    // Nothing else on other nodes moved, and a profile recompute leaves the measurement alone.
    const again = await recomputeSplits(q, lookups, { cluster: 'prod-eu' })
    expect(again.rewritten).toBe(0)
    expect(await countStartups(q)({ cluster: 'prod-eu' })).toBe(4)
  })
})
