// The weekly report's image repository and pull figures from the report grains (migration 0013) against the real
// embedded engine, on a store with every edge: a clean built hour, an hour rewritten and rebuilt (two rebuilds'
// rows side by side), an hour rewritten after its build (dirty), an hour written after the build (never built),
// and built hours whose report grain rows are gone (as when they expired or were built before 0013). The grain
// path must give the figures the raw path gives, and both the figures computed here from the records written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { at, coldRecord } from '../../test/fixtures/records.ts'
import { openMigratedStore } from '../../test/fixtures/temp-store.ts'
import type { ImagePullRecord, StartupRecord } from '../record/types.ts'
import { refreshRollups, writeStartups } from '../rollups/index.ts'
import type { Querier } from '../store/index.ts'
import { servedWindow } from './dashboard/rollup-source.ts'
import { reportServedWindow } from './report-grains.ts'
import { reportGroups, type WindowGroup } from './report-groups.ts'

let cleanup: () => Promise<void>
let q: Querier

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
})
afterAll(async () => cleanup?.())

const HOUR = 3_600_000
const REPOS = ['registry.example/shop/checkout', 'registry.example/shop/cart', 'docker.io/library/redis']

function pull(n: number, i: number, repo: string, over: Partial<ImagePullRecord> = {}): ImagePullRecord {
  const cold = (n + i) % 3 !== 0
  return {
    container: `c${i}`,
    init: false,
    image: `${repo}:${1 + (n % 2)}.0`,
    imageDigest: null,
    startedAt: null,
    pullMs: cold ? 300 + ((n * 37 + i * 101) % 5000) : 0,
    waitMs: 0,
    sizeBytes: cold ? 10_000_000 * (1 + ((n * 7 + i) % 13)) : null,
    sizeKind: cold ? 'compressed' : null,
    cached: !cold,
    attempts: 1,
    outcome: n % 11 === 5 && i === 0 ? 'failed' : 'ok',
    failureReason: n % 11 === 5 && i === 0 ? 'ErrImagePull' : null,
    downloadMs: null,
    decompressMs: null,
    splitMethod: null,
    ...over,
  }
}

/** Startup n in hour `hour`: workloads, nodes and image repositories spread over n; `v` varies a rewrite. */
function startup(n: number, hour: number, v = 0): StartupRecord {
  const base = coldRecord()
  const total = 1500 + ((n * 131 + v * 977) % 9000)
  const repos = [REPOS[n % 3] as string, REPOS[(n + v) % 2] as string]
  const pulls = repos.map((r, i) => pull(n + v, i, r))
  const failed = n % 13 === 7
  return {
    ...base,
    uid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    pod: `p-${n}`,
    namespace: n % 4 === 0 ? 'pay' : 'shop',
    workload: { kind: 'Deployment', name: `w${n % 5}` },
    node: n % 6 === 0 ? null : `node-${n % 3}`,
    createdAt: at(hour * HOUR + (n % 50) * 60_000 + 7),
    readyAt: failed ? null : at(hour * HOUR + (n % 50) * 60_000 + 7 + total),
    outcome: failed ? 'failed' : 'ready',
    totalMs: failed ? null : total,
    cold: n % 5 === 0 ? null : pulls.some((p) => !p.cached),
    phases: {
      ...base.phases,
      scheduling: 50 + (n % 17) * 10,
      pull: failed ? null : 100 + (n % 23) * 40,
      ready: failed ? null : 200 + ((n * 3) % 700),
    },
    pulls,
    containers: repos.map((r, i) => ({
      name: `c${i}`,
      init: false,
      image: `${r}:${1 + ((n + v) % 2)}.0`,
      startedAt: null,
    })),
  }
}

/** Linear interpolation between the closest ranks, as ClickHouse's quantile does over fewer than 8,192 values. */
function interpolated(values: number[], level: number): number | null {
  if (values.length === 0) return null
  const xs = [...values].sort((a, b) => a - b)
  const index = level * (xs.length - 1)
  const lo = Math.floor(index)
  const hi = Math.ceil(index)
  return (xs[lo] as number) + ((xs[hi] as number) - (xs[lo] as number)) * (index - lo)
}
/** ClickHouse's round on a float: to the nearest integer, halves to the even one. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x)
  const d = x - f
  if (Math.abs(d - 0.5) > 1e-9) return Math.round(x)
  return f % 2 === 0 ? f : f + 1
}
const percentiles = (xs: number[]) =>
  xs.length === 0
    ? { count: 0, p50: null, p90: null, p99: null }
    : {
        count: xs.length,
        p50: roundHalfEven(interpolated(xs, 0.5) as number),
        p90: roundHalfEven(interpolated(xs, 0.9) as number),
        p99: roundHalfEven(interpolated(xs, 0.99) as number),
      }
const repoOf = (ref: string) => ref.replace(/:[^:/]*$/, '')

const final = new Map<string, StartupRecord>()
const rewritten = new Set<string>()
async function write(records: StartupRecord[], version: number) {
  await writeStartups(q, records, version)
  for (const r of records) {
    if (final.has(r.uid)) rewritten.add(r.uid)
    final.set(r.uid, r)
  }
}
/** Every value of `want` in `xs`, as many times as it occurs in `want`. */
function containsAll(xs: readonly number[], want: readonly number[]): boolean {
  const left = new Map<number, number>()
  for (const x of xs) left.set(x, (left.get(x) ?? 0) + 1)
  return want.every((w) => {
    const c = left.get(w) ?? 0
    left.set(w, c - 1)
    return c > 0
  })
}

const byId = (groups: WindowGroup[]) =>
  Object.fromEntries(groups.map((g) => [`${g.dimension}:${JSON.stringify(g.key)}`, g]))

describe('report grains: image repository and pull figures', () => {
  it('equal the raw path and the values written, on every kind of hour', async () => {
    const n = (h: number, i: number) => h * 100 + i
    // Hours 0-5: 24 startups each, built.
    for (const h of [0, 1, 2, 4, 5])
      await write(
        Array.from({ length: 24 }, (_, i) => startup(n(h, i), h)),
        1,
      )
    await refreshRollups(q)
    // Hour 1 rewritten (new images, values and cold flags for a third of it), then rebuilt.
    await write(
      Array.from({ length: 8 }, (_, i) => startup(n(1, i * 3), 1, 1)),
      2,
    )
    await refreshRollups(q)
    // Hour 2 rewritten after its build: dirty, read raw. Hour 3 written after the build: never built.
    await write(
      Array.from({ length: 6 }, (_, i) => startup(n(2, i * 4), 2, 2)),
      3,
    )
    await write(
      Array.from({ length: 24 }, (_, i) => startup(n(3, i), 3)),
      1,
    )
    // Hour 4 loses its image grain rows, hour 5 its pull grain rows (expired, or built before 0013).
    const bucket = (h: number) =>
      at(h * HOUR)
        .replace('T', ' ')
        .slice(0, 19)
    await q.command(
      `ALTER TABLE startup_image_grains DELETE WHERE bucket = toDateTime({b:String}, 'UTC') SETTINGS mutations_sync = 2`,
      { b: bucket(4) },
    )
    await q.command(
      `ALTER TABLE pull_group_grains DELETE WHERE bucket = toDateTime({b:String}, 'UTC') SETTINGS mutations_sync = 2`,
      { b: bucket(5) },
    )
    // The window starts inside hour 0: its edge is raw too.
    const current = { from: at(10 * 60_000), to: at(6 * HOUR) }
    const previous = { from: at(-6 * HOUR), to: at(-HOUR) }

    const startupsServed = (await servedWindow(q, current)).served.map((s) => s.bucket)
    const served = await reportServedWindow(q, current, {})
    const hourOf = (ms: number) => Math.round((ms - Date.parse(at(0))) / HOUR)
    expect(startupsServed.map(hourOf)).toEqual([1, 4, 5])
    expect(served.served.map((s) => hourOf(s.bucket))).toEqual([1])
    // Hour 1 holds rows of both of its rebuilds; only the latest is read.
    const [rebuilds] = await q.query(
      'test_rebuilds',
      `SELECT uniqExact(rebuild) AS n FROM startup_image_grains WHERE bucket = toDateTime({b:String}, 'UTC')`,
      { b: bucket(1) },
      z.object({ n: z.coerce.number() }),
    )
    expect(rebuilds?.n).toBe(2)

    const auto = await reportGroups(q)({ previous, current })
    const raw = await reportGroups(q)({ previous, current, source: 'raw' })
    const a = byId(auto.current)
    const r = byId(raw.current)
    expect(Object.keys(a).sort()).toEqual(Object.keys(r).sort())
    for (const id of Object.keys(r)) {
      if (!id.startsWith('image:') && !id.startsWith('all:')) {
        expect(a[id]?.side.pulls, id).toEqual(r[id]?.side.pulls)
        expect(a[id]?.samples.pull, id).toEqual(r[id]?.samples.pull)
        continue
      }
      expect(a[id], id).toEqual(r[id])
    }

    // The figures from the records written (the latest version of each startup in the window).
    const inWindow = [...final.values()].filter(
      (s) => s.createdAt >= current.from && s.createdAt < current.to,
    )
    expect(inWindow.length).toBeGreaterThan(100)
    for (const repo of REPOS) {
      const members = inWindow.filter((s) => s.pulls.some((p) => repoOf(p.image) === repo))
      const g = auto.current.find((x) => x.dimension === 'image' && x.key.image === repo)
      const totals = members.flatMap((s) => (s.totalMs === null ? [] : [s.totalMs]))
      expect(g?.side.startups, repo).toBe(members.length)
      expect(g?.side.failed, repo).toBe(members.filter((s) => s.outcome === 'failed').length)
      expect(g?.side.total, repo).toEqual(percentiles(totals))
      expect(g?.side.phases.scheduling, repo).toEqual(
        percentiles(members.map((s) => s.phases.scheduling as number)),
      )
      const known = members.filter((s) => s.cold !== null)
      expect(g?.side.coldShare, repo).toBeCloseTo(known.filter((s) => s.cold).length / known.length, 12)
      // Rank-test sample (no FINAL): every value of a group this small, each startup once, a rewritten one
      // with either version's value (and in the group of either version's images).
      const stable = members
        .filter((s) => !rewritten.has(s.uid))
        .flatMap((s) => (s.totalMs === null ? [] : [s.totalMs]))
      expect(containsAll(g?.samples.total ?? [], stable), repo).toBe(true)
      expect(g?.samples.total.length, repo).toBeGreaterThanOrEqual(stable.length)
      expect(g?.samples.total.length, repo).toBeLessThanOrEqual(totals.length + rewritten.size)
      const pulls = members.flatMap((s) => s.pulls.filter((p) => repoOf(p.image) === repo))
      const cold = pulls.filter((p) => !p.cached && p.outcome === 'ok' && p.pullMs !== null)
      expect(g?.side.pulls.count, repo).toBe(pulls.length)
      expect(g?.side.pulls.failed, repo).toBe(pulls.filter((p) => p.outcome !== 'ok').length)
      expect(g?.side.pulls.coldPull, repo).toEqual(percentiles(cold.map((p) => p.pullMs as number)))
      expect(g?.side.pulls.medianSizeBytes, repo).toBe(
        Math.round(
          interpolated(
            cold.map((p) => p.sizeBytes as number),
            0.5,
          ) as number,
        ),
      )
      const stablePulls = members
        .filter((s) => !rewritten.has(s.uid))
        .flatMap((s) => s.pulls.filter((p) => repoOf(p.image) === repo && !p.cached && p.outcome === 'ok'))
        .map((p) => p.pullMs as number)
      expect(containsAll(g?.samples.pull ?? [], stablePulls), repo).toBe(true)
      expect(g?.samples.pull.length, repo).toBeLessThanOrEqual(cold.length + 2 * rewritten.size)
    }
    for (const name of ['w0', 'w1', 'w2', 'w3', 'w4'])
      for (const ns of ['pay', 'shop']) {
        const members = inWindow.filter((s) => s.workload?.name === name && s.namespace === ns)
        const g = auto.current.find(
          (x) => x.dimension === 'workload' && x.key.workload === name && x.key.namespace === ns,
        )
        if (members.length === 0) {
          expect(g).toBeUndefined()
          continue
        }
        const pulls = members.flatMap((s) => s.pulls)
        const cold = pulls.filter((p) => !p.cached && p.outcome === 'ok' && p.pullMs !== null)
        expect(g?.side.pulls.count, name).toBe(pulls.length)
        expect(g?.side.pulls.cold, name).toBe(cold.length)
        expect(g?.side.pulls.coldPull, name).toEqual(percentiles(cold.map((p) => p.pullMs as number)))
        const tags = [
          ...new Set(pulls.map((p) => `${repoOf(p.image).split('/').pop()}:${p.image.split(':').pop()}`)),
        ]
        expect(g?.side.pulls.tags, name).toEqual(tags.sort().slice(0, 10))
      }
    for (const node of ['node-1', 'node-2']) {
      const pulls = inWindow.filter((s) => s.node === node).flatMap((s) => s.pulls)
      const g = auto.current.find((x) => x.dimension === 'node' && x.key.node === node)
      expect(g?.side.pulls.count, node).toBe(pulls.length)
      expect(g?.side.pulls.failureRate, node).toBeCloseTo(
        pulls.filter((p) => p.outcome !== 'ok').length / pulls.length,
        12,
      )
    }
    const all = auto.current.find((x) => x.dimension === 'all')
    expect(all?.side.pulls.count).toBe(inWindow.flatMap((s) => s.pulls).length)
  }, 180_000)

  it('bounds each sample query by hash without changing a sample', async () => {
    const current = { from: at(0), to: at(6 * HOUR) }
    const previous = { from: at(-6 * HOUR), to: at(-HOUR) }
    const bounded = await reportGroups(q)({ previous, current, sampleSize: 20 })
    const plain = await reportGroups(q)({ previous, current, sampleSize: 20, source: 'raw' })
    const a = byId(bounded.current)
    const r = byId(plain.current)
    let full = 0
    for (const id of Object.keys(r)) {
      expect(a[id]?.samples, id).toEqual(r[id]?.samples)
      if ((r[id]?.side.total.count ?? 0) > 72) full++
    }
    // Groups large enough for a bound below every row (all, cluster, namespaces, repositories) were checked.
    expect(full).toBeGreaterThanOrEqual(4)
    // At most sampleSize values (one fewer per rewritten startup whose two versions both ranked among them).
    const sample = a['all:{"cluster":""}']?.samples.total ?? []
    expect(sample.length).toBeGreaterThanOrEqual(15)
    expect(sample.length).toBeLessThanOrEqual(20)
  })

  it('draws samples only for the groups and metrics a rank test compares (minSamples in both windows)', async () => {
    const previous = { from: at(0), to: at(3 * HOUR) }
    const current = { from: at(3 * HOUR), to: at(6 * HOUR) }
    const tested = await reportGroups(q)({ previous, current, sampleSize: 20, minSamples: 20 })
    const plain = await reportGroups(q)({ previous, current, sampleSize: 20, source: 'raw' })
    const before = byId(plain.previous)
    let compared = 0
    let skipped = 0
    for (const [id, g] of Object.entries(byId(tested.current))) {
      const p = before[id]
      const r = byId(plain.current)[id]
      const both = (f: (x: WindowGroup) => number) => p !== undefined && f(p) >= 20 && f(g) >= 20
      const pairs: [boolean, number[], number[] | undefined][] = [
        [both((x) => x.side.total.count), g.samples.total, r?.samples.total],
        [both((x) => x.side.coldTotal.count), g.samples.coldTotal, r?.samples.coldTotal],
        [both((x) => x.side.pulls.coldPull.count), g.samples.pull, r?.samples.pull],
      ]
      for (const [testable, sample, reference] of pairs) {
        // A sample a test reads is the full bottom-k one; the others may come out partial or empty (unread).
        if (testable) {
          expect(sample, id).toEqual(reference)
          compared++
        } else skipped++
      }
    }
    expect(compared).toBeGreaterThanOrEqual(5)
    // Some group and metric below minSamples in a window: its rows are not needed for its own sake.
    expect(skipped).toBeGreaterThanOrEqual(1)
  })

  it('a namespace scope reads every hour raw; a cluster scope reads the grains, with the same figures', async () => {
    const w = { from: at(0), to: at(6 * HOUR) }
    expect((await reportServedWindow(q, w, { namespace: 'shop' })).served).toEqual([])
    expect((await reportServedWindow(q, w, {})).served.length).toBeGreaterThan(0)
    const previous = { from: at(-6 * HOUR), to: at(-HOUR) }
    const shop = await reportGroups(q)({ previous, current: w, namespace: 'shop' })
    const members = [...final.values()].filter(
      (s) => s.namespace === 'shop' && s.createdAt >= w.from && s.createdAt < w.to,
    )
    for (const repo of REPOS) {
      const g = shop.current.find((x) => x.dimension === 'image' && x.key.image === repo)
      expect(g?.side.startups, repo).toBe(
        members.filter((s) => s.pulls.some((p) => repoOf(p.image) === repo)).length,
      )
      expect(g?.side.pulls.count, repo).toBe(
        members.flatMap((s) => s.pulls).filter((p) => repoOf(p.image) === repo).length,
      )
    }
    const auto = await reportGroups(q)({ previous, current: w, cluster: 'prod-eu' })
    const raw = await reportGroups(q)({ previous, current: w, cluster: 'prod-eu', source: 'raw' })
    expect(byId(auto.current)).toEqual(byId(raw.current))
    expect(auto.current.find((x) => x.dimension === 'all')?.side.startups).toBe(
      [...final.values()].filter((s) => s.createdAt >= w.from && s.createdAt < w.to).length,
    )
  })
})
