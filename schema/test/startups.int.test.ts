import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  countStartups,
  phaseBreakdown,
  podEvents,
  slowestStartups,
  startupByUid,
} from '../src/queries/index.ts'
import type { StartupRecord } from '../src/record/types.ts'
import { validateStartupRecord } from '../src/record/validate.ts'
import { canonicalStartupRecord, isoToCh, type PodEventInsert } from '../src/rows/index.ts'
import {
  createQuerier,
  loadMigrations,
  MIGRATIONS_DIR,
  migrate,
  type Querier,
  type Store,
} from '../src/store/index.ts'
import { insertPodEvents, insertStartups } from '../src/writes/index.ts'
import { at, BASE_MS, coldRecord, fixtureWindow, pendingRecord } from './fixtures/records.ts'
import { openTempStore } from './fixtures/temp-store.ts'

let store: Store
let cleanup: () => Promise<void>
let q: Querier

beforeAll(async () => {
  ;({ store, cleanup } = await openTempStore())
  // Only 0001_init and the SLO cut columns (0009, 0015): these tests are about that table, not the other migrations.
  const dir = mkdtempSync(join(tmpdir(), 'podstart-mig-'))
  for (const f of ['0001_init.up.sql', '0009_slo_cuts.up.sql', '0015_observed_scheduled.up.sql'])
    cpSync(join(MIGRATIONS_DIR, f), join(dir, f))
  expect(loadMigrations(dir)).toHaveLength(3)
  await migrate(store, { dir })
  q = createQuerier(store)
})
afterAll(async () => cleanup?.())

const window = fixtureWindow

/** A pending version of a startup with a pull its final version no longer lists. */
const pendingWithOldPull = (uid: string) =>
  pendingRecord({
    uid,
    namespace: 'shop',
    createdAt: at(0),
    pulls: [{ ...coldRecord().pulls[1]!, container: 'old-sidecar', outcome: 'backoff', pullMs: null }],
  })

describe('record -> rows -> store -> record', () => {
  it('round-trips a cold startup with pulls, boundaries of every kind and a containers timeline', async () => {
    const original = coldRecord()
    expect(validateStartupRecord(original)).toEqual({ ok: true, errors: [] })
    await insertStartups(q, [original], 1_000)
    const back = await startupByUid(q)({ cluster: original.cluster, uid: original.uid })
    expect(validateStartupRecord(back)).toEqual({ ok: true, errors: [] })
    expect(back).toEqual(original)
  })

  it('round-trips a pending bare pod with nulls everywhere, and fills omitted optional fields canonically', async () => {
    const original = pendingRecord()
    const sparse: StartupRecord = { ...original }
    for (const k of [
      'containers',
      'cold',
      'sloMs',
      'fromStatusOnly',
      'runtime',
      'clockSkewClampedMs',
      'clockSkewClamps',
      'conditions',
      'observed',
      'sli',
    ] as const)
      delete sparse[k]
    await insertStartups(q, [sparse], 1_000)
    const back = await startupByUid(q)({ cluster: original.cluster, uid: original.uid })
    expect(validateStartupRecord(back).errors).toEqual([])
    expect(back).toEqual({ ...canonicalStartupRecord(sparse), fromStatusOnly: false })
    expect(back?.phases.scheduling).toBeNull()
    // No SLI cut stated: none comes back (sli_excluded 'unrecorded', as for rows written before migration 0009).
    expect(back?.sli).toBeUndefined()
    expect(back?.observed).toEqual({ scheduled: null, running: null, allStarted: null, ready: null })
    expect(back?.boundaries).toEqual({ created: { at: at(3_600_000), source: 'status' } })
  })

  it('a later version replaces the earlier one: pending -> final, pulls of the old version hidden', async () => {
    const uid = '5f0c8a52-3333-4c1e-9d7a-000000000003'
    const pending = pendingWithOldPull(uid)
    await insertStartups(q, [pending], 2_000)
    const final = coldRecord({ uid, pod: 'checkout-7d9f8b6c5-zzzzz' })
    await insertStartups(q, [final], 3_000)
    // A retried write of the older version changes nothing.
    await insertStartups(q, [pending], 2_000)
    const back = await startupByUid(q)({ cluster: 'prod-eu', uid })
    expect(back).toEqual(final)
  })

  it('writes one batch with a version per record: the higher of two versions of one startup wins', async () => {
    const uid = '5f0c8a52-3333-4c1e-9d7a-000000000004'
    const pending = pendingWithOldPull(uid)
    const final = coldRecord({ uid, pod: 'checkout-7d9f8b6c5-yyyyy' })
    const other = coldRecord({ uid: '5f0c8a52-3333-4c1e-9d7a-000000000005', pod: 'checkout-7d9f8b6c5-xxxxx' })
    // Final first in the batch, its pending version after it with a lower version: order does not matter.
    await insertStartups(q, [final, other, pending], [4_000, 4_001, 3_999])
    expect(await startupByUid(q)({ cluster: 'prod-eu', uid })).toEqual(final)
    expect(await startupByUid(q)({ cluster: 'prod-eu', uid: other.uid })).toEqual(other)
    await expect(insertStartups(q, [final, other], [5_000])).rejects.toThrow(
      '2 startup records were given 1 versions',
    )
  })

  it('rejects an invalid record before writing anything', async () => {
    const bad = coldRecord({ uid: 'bad-1', totalMs: -5 })
    const good = coldRecord({ uid: 'good-1' })
    await expect(insertStartups(q, [good, bad], 5_000)).rejects.toThrow(
      "startup record 1 (uid bad-1) does not fit the store's columns: totalMs: negative-duration (was -5)",
    )
    expect(await startupByUid(q)({ cluster: 'prod-eu', uid: 'good-1' })).toBeNull()
  })
})

describe('deduplicated reads', () => {
  it('counts a startup inserted twice once, in countStartups and phaseBreakdown', async () => {
    const cluster = 'dedup'
    const a = coldRecord({ cluster, uid: 'd-1' })
    await insertStartups(q, [a], 10)
    await insertStartups(q, [a], 10) // at-least-once retry, same version
    await insertStartups(q, [a], 11) // a newer write of the same startup
    expect(await countStartups(q)({ cluster })).toBe(1)
    const rows = await phaseBreakdown(q)({ ...window, groupBy: ['cluster'], filters: { cluster } })
    expect(rows).toHaveLength(1)
    expect(rows[0]?.startups).toBe(1)
    expect(rows[0]?.total).toEqual({ count: 1, p50: 12000, p90: 12000, p99: 12000 })
  })
})

describe('phaseBreakdown', () => {
  // Ten ready startups of "api" with totals 1..10 s and pulls on half of them; two of "web".
  const cluster = 'pb'
  const api = Array.from({ length: 10 }, (_, i) => {
    const total = (i + 1) * 1000
    const r = coldRecord({
      cluster,
      uid: `api-${i}`,
      pod: `api-${i}`,
      node: i < 5 ? 'node-a' : 'node-b',
      workload: { kind: 'Deployment', name: 'api' },
      totalMs: total,
      readyAt: new Date(BASE_MS + total).toISOString(),
    })
    r.phases = { ...r.phases, scheduling: i * 10, pull: i % 2 === 0 ? null : i * 100 }
    r.pulls = i % 2 === 0 ? [] : r.pulls.slice(1)
    r.containers = [{ name: 'app', init: false, image: `registry.example/api:${i % 2}` }]
    return r
  })
  const web = [0, 1].map((i) =>
    coldRecord({
      cluster,
      uid: `web-${i}`,
      pod: `web-${i}`,
      workload: { kind: 'StatefulSet', name: 'web' },
      totalMs: 500 + i,
    }),
  )
  const failed = pendingRecord({
    cluster,
    uid: 'api-failed',
    outcome: 'failed',
    workload: { kind: 'Deployment', name: 'api' },
  })

  beforeAll(async () => {
    await insertStartups(q, [...api, ...web, failed], 100)
  })

  it('gives count and nearest-rank p50/p90/p99 per workload, nulls excluded per phase', async () => {
    const rows = await phaseBreakdown(q)({ ...window, groupBy: ['workload'], filters: { cluster } })
    expect(rows.map((r) => [r.group.workloadKind, r.group.workload, r.startups])).toEqual([
      ['Deployment', 'api', 11],
      ['StatefulSet', 'web', 2],
    ])
    const a = rows[0]!
    // totals 1000..10000 (the failed one has none): value of rank ceil(q * 10) of the sorted list.
    expect(a.total).toEqual({ count: 10, p50: 5000, p90: 9000, p99: 10000 })
    // scheduling 0,10,..,90 on the ready ones; null on the failed one.
    expect(a.phases.scheduling).toEqual({ count: 10, p50: 40, p90: 80, p99: 90 })
    // pull only on odd i: 100, 300, 500, 700, 900.
    expect(a.phases.pull).toEqual({ count: 5, p50: 500, p90: 900, p99: 900 })
    expect(a.phases.ready.count).toBe(10)
  })

  it('filters by outcome and node, and groups by image through each startup image', async () => {
    const ready = await phaseBreakdown(q)({
      ...window,
      groupBy: [],
      filters: { cluster, node: 'node-b' },
      outcome: 'ready',
    })
    expect(ready).toHaveLength(1)
    expect(ready[0]?.startups).toBe(5)
    const byImage = await phaseBreakdown(q)({
      ...window,
      groupBy: ['image'],
      filters: { cluster, workload: 'api' },
    })
    // Even i: only the container image api:0; odd i: the checkout pull image and api:1.
    expect(byImage.map((r) => [r.group.image, r.startups])).toEqual([
      ['registry.example/api:0', 5],
      ['registry.example/api:1', 5],
      ['registry.example/shop/checkout:2.1', 5],
    ])
    const none = await phaseBreakdown(q)({ from: at(-10 * 86_400_000), to: at(-5 * 86_400_000) })
    expect(none).toEqual([])
  })
})

describe('slowestStartups', () => {
  it('pages ready startups slowest first', async () => {
    const page1 = await slowestStartups(q)({ ...window, filters: { cluster: 'pb' }, limit: 3 })
    expect(page1.map((s) => [s.uid, s.totalMs])).toEqual([
      ['api-9', 10000],
      ['api-8', 9000],
      ['api-7', 8000],
    ])
    expect(page1[0]?.phases.pull).toBe(900)
    expect(page1[0]?.workload).toEqual({ kind: 'Deployment', name: 'api' })
    const page2 = await slowestStartups(q)({ ...window, filters: { cluster: 'pb' }, limit: 3, offset: 3 })
    expect(page2.map((s) => s.uid)).toEqual(['api-6', 'api-5', 'api-4'])
  })

  it('ranks current versions only, also when older versions of many startups were slower', async () => {
    // 30 startups first written slow (50,000+ ms) then rewritten fast; 10 others written once at 2,000-2,900.
    const rec = (i: number, totalMs: number, node = 'node-a') =>
      coldRecord({
        cluster: 'slow',
        uid: `slow-${String(i).padStart(2, '0')}`,
        pod: `p-${i}`,
        node,
        createdAt: at(i * 1000),
        readyAt: at(i * 1000 + totalMs),
        totalMs,
      })
    await insertStartups(
      q,
      Array.from({ length: 30 }, (_, i) => rec(i, 50_000 + i * 10)),
      100,
    )
    await insertStartups(
      q,
      Array.from({ length: 30 }, (_, i) => rec(i, 10 + i)),
      200,
    )
    await insertStartups(
      q,
      Array.from({ length: 10 }, (_, i) => rec(30 + i, 2000 + i * 100, 'node-b')),
      100,
    )
    const expected = [
      ...Array.from({ length: 30 }, (_, i) => [`slow-${String(i).padStart(2, '0')}`, 10 + i]),
      ...Array.from({ length: 10 }, (_, i) => [`slow-${30 + i}`, 2000 + i * 100]),
    ].sort((a, b) => (b[1] as number) - (a[1] as number) || String(a[0]).localeCompare(String(b[0])))
    const page = (limit: number, offset = 0, node?: string) =>
      slowestStartups(q)({
        ...fixtureWindow,
        filters: { cluster: 'slow', ...(node ? { node } : {}) },
        limit,
        offset,
      })
    // Few candidates (the stale slow versions crowd them out): answered by the FINAL fallback.
    expect((await page(1)).map((s) => [s.uid, s.totalMs])).toEqual(expected.slice(0, 1))
    // Enough candidates (56 rows reach down to the rewritten versions, floor 24 < the page's last, 38).
    expect((await page(12)).map((s) => [s.uid, s.totalMs])).toEqual(expected.slice(0, 12))
    expect((await page(5)).map((s) => [s.uid, s.totalMs])).toEqual(expected.slice(0, 5))
    expect((await page(5, 12)).map((s) => [s.uid, s.totalMs])).toEqual(expected.slice(12, 17))
    expect((await page(3, 0, 'node-a')).map((s) => s.totalMs)).toEqual([39, 38, 37])
  })
})

describe('pod events', () => {
  it('keeps the latest observation of an aggregated event', async () => {
    const ev = (count: number, version: number): PodEventInsert => ({
      cluster: 'ev',
      namespace: 'shop',
      uid: 'u-ev',
      pod: 'api-0',
      event_name: 'api-0.17f3a9c2b1d4e5f6',
      reason: 'BackOff',
      message: 'Back-off pulling image "registry.example/api:1"',
      type: 'Warning',
      source_component: 'kubelet',
      field_path: 'spec.containers{app}',
      count,
      first_at: isoToCh(at(1000)),
      last_at: isoToCh(at(1000 + count * 10_000)),
      event_time: null,
      created_at: isoToCh(at(1000)),
      observed_at: isoToCh(at(1000 + count * 10_000)),
      version,
    })
    await insertPodEvents(q, [ev(1, 1)])
    await insertPodEvents(q, [ev(4, 2)])
    const rows = await podEvents(q)({ cluster: 'ev', namespace: 'shop', pod: 'api-0' })
    expect(rows.map((r) => [r.count, r.last_at, r.version])).toEqual([[4, at(41_000), 2]])
    await expect(insertPodEvents(q, [{ ...ev(1, 3), first_at: at(0) }])).rejects.toThrow(
      'pod event 0 (api-0.17f3a9c2b1d4e5f6) does not fit pod_events: first_at',
    )
  })
})
