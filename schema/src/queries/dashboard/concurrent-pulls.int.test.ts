// Concurrent pulls against the real embedded engine: the grain path (pull_minute_grains, migration 0018) and the
// raw path both equal figures computed here from the fixtures, through minutes shared by two hour buckets,
// rewritten pulls, cached and unstarted pulls, window edges read raw, ties, and a `limit` smaller than the
// images that reach it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { at, coldRecord } from '../../../test/fixtures/records.ts'
import { openMigratedStore } from '../../../test/fixtures/temp-store.ts'
import type { StartupRecord } from '../../record/types.ts'
import { markRollupBucketsDirty, refreshRollups, startupBuckets, writeStartups } from '../../rollups/index.ts'
import type { Querier } from '../../store/index.ts'
import { insertStartups } from '../../writes/startups.ts'
import { type ConcurrentPulls, concurrentPulls } from './concurrent-pulls.ts'

let cleanup: () => Promise<void>
let q: Querier

const H = 3_600_000
const M = 60_000

interface PullSpec {
  image: string
  node: string
  /** ms after the base the pod was created. */
  created: number
  /** ms after the base the pull started (null: never started). */
  started: number | null
  pullMs: number | null
  cached?: boolean
  cluster?: string
  namespace?: string
}

let seq = 0
function pod(s: PullSpec, uid?: string): StartupRecord {
  seq += 1
  const base = coldRecord()
  const [, app] = base.pulls as [unknown, StartupRecord['pulls'][number]]
  return coldRecord({
    cluster: s.cluster ?? 'prod-eu',
    namespace: s.namespace ?? 'shop',
    uid: uid ?? `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    pod: `p-${seq}`,
    node: s.node,
    createdAt: at(s.created),
    pulls: [
      {
        ...app,
        image: s.image,
        startedAt: s.started === null ? null : at(s.started),
        pullMs: s.pullMs,
        cached: s.cached ?? false,
      },
    ],
  })
}

// Image a: minute 1:00 holds two pods of hour 0 (nodes n1, n2) and three of hour 1 (n3, n4, n1 again): 4 nodes,
// while each bucket alone peaks at 2 and 3.
const SPECS: PullSpec[] = [
  { image: 'reg/a:1', node: 'n1', created: H - 60_000, started: H + 20_000, pullMs: 1000 },
  { image: 'reg/a:1', node: 'n2', created: H - 30_000, started: H + 25_000, pullMs: 3000 },
  { image: 'reg/a:1', node: 'n3', created: H + 5_000, started: H + 30_000, pullMs: 2000 },
  { image: 'reg/a:1', node: 'n4', created: H + 6_000, started: H + 31_000, pullMs: 2000 },
  { image: 'reg/a:1', node: 'n1', created: H + 7_000, started: H + 40_000, pullMs: 4000 },
  // Image b: two minutes of 3 nodes in hour 0 (the first one is the peak), and a cached lookup (not a pull).
  ...['n1', 'n2', 'n3'].map((node, i) => ({
    image: 'reg/b:1',
    node,
    created: 5 * M,
    started: 10 * M + i * 1000,
    pullMs: 600,
  })),
  ...['n4', 'n5', 'n6'].map((node, i) => ({
    image: 'reg/b:1',
    node,
    created: 15 * M,
    started: 20 * M + i * 1000,
    pullMs: 900,
  })),
  { image: 'reg/b:1', node: 'n7', created: 15 * M, started: 20 * M + 5000, pullMs: 0, cached: true },
  // Image c (hour 2): three nodes in one minute, one without a pull time; one pod never started pulling.
  { image: 'reg/c:1', node: 'n1', created: 2 * H + M, started: 2 * H + 40 * M, pullMs: 500 },
  { image: 'reg/c:1', node: 'n2', created: 2 * H + M, started: 2 * H + 40 * M + 1000, pullMs: null },
  { image: 'reg/c:1', node: 'n3', created: 2 * H + 2 * M, started: 2 * H + 40 * M + 2000, pullMs: 1500 },
  { image: 'reg/c:1', node: 'n4', created: 2 * H + 2 * M, started: null, pullMs: null },
  // Images e1..e3: three nodes in one minute each; f: one node in each of two buckets, in the same minute.
  ...['e1', 'e2', 'e3'].flatMap((e, k) =>
    ['n1', 'n2', 'n3'].map((node) => ({
      image: `reg/${e}:1`,
      node,
      created: 3 * H + k * M,
      started: 3 * H + 30 * M + k * M,
      pullMs: 700,
    })),
  ),
  { image: 'reg/f:1', node: 'n1', created: 2 * H - 10_000, started: 2 * H + 5_000, pullMs: 100 },
  { image: 'reg/f:1', node: 'n2', created: 2 * H + 1_000, started: 2 * H + 10_000, pullMs: 300 },
  // Image g: two nodes of hour 2 and two of hour 3 in minute 3:00 (4 nodes; each bucket alone peaks at 2).
  ...['n5', 'n6'].map((node) => ({
    image: 'reg/g:1',
    node,
    created: 3 * H - 20_000,
    started: 3 * H + 10_000,
    pullMs: 50,
  })),
  ...['n7', 'n8'].map((node) => ({
    image: 'reg/g:1',
    node,
    created: 3 * H + 1_000,
    started: 3 * H + 15_000,
    pullMs: 50,
  })),
  // Another cluster's pulls of a, in the minute of its peak: counted unless the cluster is filtered.
  { image: 'reg/a:1', node: 'm1', created: H + 1_000, started: H + 50_000, pullMs: 8000, cluster: 'prod-us' },
]

/** The answer computed from the specs (`keep` selects pulls), as concurrentPulls defines it. */
function expected(specs: PullSpec[], limit: number, keep: (s: PullSpec) => boolean = () => true) {
  const byImage = new Map<string, Map<number, { nodes: Set<string>; ms: number[] }>>()
  const pulls = new Map<string, number>()
  for (const s of specs) {
    if (!keep(s) || s.cached || s.started === null) continue
    const minute = s.started - (((s.started % M) + M) % M)
    const minutes = byImage.get(s.image) ?? new Map()
    const m = minutes.get(minute) ?? { nodes: new Set<string>(), ms: [] }
    m.nodes.add(s.node)
    if (s.pullMs !== null) m.ms.push(s.pullMs)
    minutes.set(minute, m)
    byImage.set(s.image, minutes)
    pulls.set(s.image, (pulls.get(s.image) ?? 0) + 1)
  }
  const out: ConcurrentPulls[] = []
  for (const [image, minutes] of byImage) {
    let best: [number, { nodes: Set<string>; ms: number[] }] | null = null
    for (const [minute, m] of [...minutes.entries()].sort((x, y) => x[0] - y[0]))
      if (!best || m.nodes.size > best[1].nodes.size) best = [minute, m]
    if (!best || best[1].nodes.size < 2) continue
    const ms = best[1].ms
    out.push({
      image,
      peakNodes: best[1].nodes.size,
      peakMinute: at(best[0]).replace('.000Z', 'Z'),
      peakMeanPullMs: ms.length === 0 ? null : ms.reduce((a, b) => a + b, 0) / ms.length,
      pulls: pulls.get(image) ?? 0,
    })
  }
  out.sort((x, y) => y.peakNodes - x.peakNodes || (x.image < y.image ? -1 : 1))
  return out.slice(0, limit)
}

const ask = (from: number, to: number, limit: number, source: 'auto' | 'raw', filters = {}) =>
  concurrentPulls(q)({ from: at(from), to: at(to), limit, source, filters })

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  await writeStartups(
    q,
    SPECS.map((s) => pod(s)),
    1,
  )
  // A rewrite: the pod of image c on n5 first pulled at 2:10, its later version at 2:40 (the peak minute).
  const uid = '00000000-0000-4000-8000-0000000000ff'
  const spec = { image: 'reg/c:1', node: 'n5', created: 2 * H + 3 * M, pullMs: 2500 }
  await writeStartups(q, [pod({ ...spec, started: 2 * H + 10 * M }, uid)], 1)
  await writeStartups(q, [pod({ ...spec, started: 2 * H + 40 * M + 3000 }, uid)], 2)
  for (let pass = 0; pass < 5; pass++) if (!(await refreshRollups(q)).more) break
})
afterAll(async () => cleanup?.())

const ALL: PullSpec[] = [
  ...SPECS,
  { image: 'reg/c:1', node: 'n5', created: 2 * H + 3 * M, started: 2 * H + 40 * M + 3000, pullMs: 2500 },
]

describe('concurrent pulls', () => {
  it('equal the hand-computed peaks on the grains and on the raw rows, whole hours and edges', async () => {
    const whole = expected(ALL, 20)
    expect(whole.map((r) => [r.image, r.peakNodes])).toEqual([
      ['reg/a:1', 5],
      ['reg/c:1', 4],
      ['reg/g:1', 4],
      ['reg/b:1', 3],
      ['reg/e1:1', 3],
      ['reg/e2:1', 3],
      ['reg/e3:1', 3],
      ['reg/f:1', 2],
    ])
    expect(await ask(0, 4 * H, 20, 'auto')).toEqual(whole)
    expect(await ask(0, 4 * H, 20, 'raw')).toEqual(whole)
    // Edges read raw: half of hour 0 and of hour 3, then the other halves.
    for (const [from, to] of [
      [30 * M, 4 * H],
      [0, 3 * H + 31 * M],
      [H + 6_500, 2 * H + 30 * M],
    ] as const) {
      const keep = (s: PullSpec) => s.created >= from && s.created < to
      expect(await ask(from, to, 20, 'auto')).toEqual(expected(ALL, 20, keep))
      expect(await ask(from, to, 20, 'raw')).toEqual(expected(ALL, 20, keep))
    }
  })

  it('finds the top images when a limit cuts through ties and a peak spans two buckets', async () => {
    for (const limit of [1, 2, 3, 4, 6]) {
      expect(await ask(0, 4 * H, limit, 'auto')).toEqual(expected(ALL, limit))
      expect(await ask(30 * M, 4 * H, limit, 'auto')).toEqual(
        expected(ALL, limit, (s) => s.created >= 30 * M),
      )
    }
  })

  it('answers cluster and image filters from the grains, and other filters from raw rows', async () => {
    const eu = (s: PullSpec) => (s.cluster ?? 'prod-eu') === 'prod-eu'
    expect(await ask(0, 4 * H, 20, 'auto', { cluster: 'prod-eu' })).toEqual(expected(ALL, 20, eu))
    expect(await ask(0, 4 * H, 20, 'auto', { image: 'reg/f:1' })).toEqual(
      expected(ALL, 20, (s) => s.image === 'reg/f:1'),
    )
    expect(await ask(0, 4 * H, 20, 'auto', { namespace: 'shop' })).toEqual(
      expected(ALL, 20, (s) => (s.namespace ?? 'shop') === 'shop'),
    )
  })

  it('reads served hours from the grains, and an hour without its grain rows from raw rows', async () => {
    // A write that does not mark its hour dirty is invisible to the grains until the hour is marked and rebuilt.
    const sneaky = pod({
      image: 'reg/a:1',
      node: 'n9',
      created: H + 8_000,
      started: H + 45_000,
      pullMs: 1000,
    })
    await insertStartups(q, [sneaky], 1)
    const before = expected(ALL, 20)
    const after = expected(
      [...ALL, { image: 'reg/a:1', node: 'n9', created: H + 8_000, started: H + 45_000, pullMs: 1000 }],
      20,
    )
    expect(await ask(0, 4 * H, 20, 'auto')).toEqual(before)
    expect(await ask(0, 4 * H, 20, 'raw')).toEqual(after)
    // Without its 'all' row (as an hour built before migration 0018), the hour comes from the raw rows.
    await q.command(`DELETE FROM pull_minute_grains WHERE grain = 'all' AND bucket = {b:DateTime('UTC')}`, {
      b: startupBuckets([sneaky])[0],
    })
    expect(await ask(0, 4 * H, 20, 'auto')).toEqual(after)
    await markRollupBucketsDirty(q, startupBuckets([sneaky]))
    for (let pass = 0; pass < 5; pass++) if (!(await refreshRollups(q)).more) break
    expect(await ask(0, 4 * H, 20, 'auto')).toEqual(after)
  })
})
