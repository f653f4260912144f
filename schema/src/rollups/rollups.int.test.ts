// The rollup path against the real embedded engine, without OPTIMIZE: rewrites (pending -> final, retries,
// re-imports) count once, dirty buckets are read raw until rebuilt, and rollup numbers equal raw FINAL numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { at, coldRecord, pendingRecord, readyRecord } from '../../test/fixtures/records.ts'
import { openMigratedStore } from '../../test/fixtures/temp-store.ts'
import { startupAggregates } from '../queries/dashboard/startup-aggregates.ts'
import type { ImagePullRecord, StartupRecord } from '../record/types.ts'
import type { Querier } from '../store/index.ts'
import { insertStartups } from '../writes/startups.ts'
import {
  pruneSupersededRollups,
  refreshRollups,
  staleRollupBuckets,
  startupBuckets,
  writeStartups,
} from './index.ts'

let cleanup: () => Promise<void>
let q: Querier

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
})
afterAll(async () => cleanup?.())

const HOUR = 3_600_000
const ready = readyRecord
const window = { from: at(0), to: at(3 * HOUR) }
const agg = (source: 'auto' | 'raw', groupBy: ('time' | 'node' | 'outcome')[] = []) =>
  startupAggregates(q)({ ...window, groupBy, source, detail: 'full' })

describe('startup rollups', () => {
  it('names the hour buckets of the records written', () => {
    expect(
      startupBuckets([{ createdAt: at(1_000) }, { createdAt: at(HOUR + 5) }, { createdAt: at(2_000) }]),
    ).toEqual([at(0).slice(0, 19).replace('T', ' '), at(HOUR).slice(0, 19).replace('T', ' ')])
  })

  it('hour buckets: rollup equals raw FINAL and hand-computed numbers, through rewrites, without OPTIMIZE', async () => {
    // Hour 0: four ready startups (totals 2000, 3000, 4000, 11000); hour 1: one pending that becomes ready.
    const first = [
      ready(1, 60_000, 2000),
      ready(2, 120_000, 3000),
      ready(3, 180_000, 4000),
      ready(4, 240_000, 11000),
    ]
    const pending = pendingRecord({
      uid: '00000000-0000-4000-8000-000000000005',
      createdAt: at(HOUR + 60_000),
    })
    pending.boundaries = { created: { at: pending.createdAt, source: 'status' } }
    await writeStartups(q, [...first, pending], 1_000)
    expect(await staleRollupBuckets(q)).toEqual(startupBuckets([...first, pending]))
    const refreshed = await refreshRollups(q)
    expect(refreshed.rebuilt).toHaveLength(2)
    expect(await staleRollupBuckets(q)).toEqual([])

    const [whole] = await agg('auto')
    // Hand-computed: 5 startups, 4 with a total; quantiles interpolate: p50 of (2000,3000,4000,11000) = 3500.
    expect(whole?.startups).toBe(5)
    expect(whole?.total.count).toBe(4)
    expect(whole?.total.p50).toBe(3500)
    expect(whole?.total.p90).toBeCloseTo(4000 + 0.7 * 7000, 6)
    expect(whole?.slo.over5s).toBe(1)
    expect(whole?.complete.count).toBe(4)
    expect(whole?.complete.meanTotalMs).toBe(5000)
    expect(whole?.complete.meanMs.ready).toBe(3600)
    expect(whole?.complete.meanMs.pull).toBe(1000)
    expect(await agg('auto')).toEqual(await agg('raw'))
    // The cheaper detail levels read fewer states and must agree as well.
    for (const detail of ['summary', 'counts'] as const) {
      const cheap = (source: 'auto' | 'raw') =>
        startupAggregates(q)({ ...window, groupBy: ['time'], source, detail })
      expect(await cheap('auto')).toEqual(await cheap('raw'))
    }
    const [summary] = await startupAggregates(q)({ ...window })
    expect(summary?.total.p50).toBe(3500)
    expect(summary?.phases.ready.p50).toBeNull()
    expect(summary?.phases.ready.count).toBe(4)

    // Rewrites: pending -> final on a node (its '' node group must vanish), a retry of the same write,
    // a re-import of the first batch at an older version (ReplacingMergeTree keeps the higher one).
    const final = ready(5, HOUR + 60_000, 6000, {
      uid: pending.uid,
      pod: pending.pod,
      namespace: pending.namespace,
      node: 'node-b',
    })
    await writeStartups(q, [final], 2_000)
    await writeStartups(q, [final], 2_000)
    await writeStartups(q, first, 500)
    // Dirty buckets are read raw until rebuilt: exact at this moment too.
    expect(await staleRollupBuckets(q)).toHaveLength(2)
    expect(await agg('auto', ['time'])).toEqual(await agg('raw', ['time']))
    await refreshRollups(q)
    const byNode = await agg('auto', ['node'])
    expect(byNode.map((r) => [r.group.node, r.startups])).toEqual([
      ['node-a', 4],
      ['node-b', 1],
    ])
    expect(byNode).toEqual(await agg('raw', ['node']))
    const [after] = await agg('auto')
    expect(after?.startups).toBe(5)
    expect(after?.total.count).toBe(5)
    expect(after?.total.p50).toBe(4000)
    expect(await agg('auto', ['outcome'])).toEqual(await agg('raw', ['outcome']))

    // Old rebuilds are pruned without changing a number.
    await pruneSupersededRollups(q, 0)
    const rebuilds = await q.query(
      'test.rebuilds',
      'SELECT count(DISTINCT (bucket, rebuild)) AS n FROM startup_rollup_hourly',
      {},
      z.object({ n: z.coerce.number() }),
    )
    expect(rebuilds[0]?.n).toBe(2)
    expect(await agg('auto', ['time'])).toEqual(await agg('raw', ['time']))
  })

  it('reads closed buckets from the rollup: an unmarked write is invisible until marked, then exact', async () => {
    const sneaky = ready(6, 300_000, 9000)
    await insertStartups(q, [sneaky], 3_000)
    const [withoutMark] = await agg('auto')
    const [raw] = await agg('raw')
    // Proves the rollup path is taken for a clean closed bucket (and why writers must mark).
    expect(withoutMark?.startups).toBe(5)
    expect(raw?.startups).toBe(6)
    await writeStartups(q, [sneaky], 3_000)
    expect(await agg('auto')).toEqual(await agg('raw'))
    await refreshRollups(q)
    expect(await agg('auto')).toEqual(await agg('raw'))
  })

  it('windows not aligned to hours read their edges raw', async () => {
    const edge = { from: at(150_000), to: at(HOUR + 120_000) }
    const auto = await startupAggregates(q)({ ...edge })
    const raw = await startupAggregates(q)({ ...edge, source: 'raw' })
    expect(auto).toEqual(raw)
    expect(auto[0]?.startups).toBe(4) // uids 3, 4, 6 in hour 0 after 150 s, uid 5 in hour 1
  })

  it('coarse grains answer every grouping and filter exactly as the raw rows do, and are the ones read', async () => {
    // Hours 5-7: 36 startups over 2 clusters, 3 namespaces, 4 workloads (one name in two namespaces), 3 nodes.
    const records: StartupRecord[] = []
    for (let n = 0; n < 36; n++) {
      const ns = ['shop', 'pay', 'search'][n % 3] as string
      records.push(
        ready(100 + n, 5 * HOUR + (n % 3) * HOUR + n * 1000, 1500 + ((n * 7919) % 9000), {
          cluster: n % 4 === 0 ? 'prod-us' : 'prod-eu',
          namespace: ns,
          node: `node-${n % 3 === 0 ? 'x' : n % 2 === 0 ? 'y' : 'z'}`,
          workload: { kind: n % 5 === 0 ? 'StatefulSet' : 'Deployment', name: `app-${n % 4}` },
          cold: n % 2 === 0,
          outcome: n % 9 === 0 ? 'failed' : 'ready',
        }),
      )
    }
    await writeStartups(q, records, 5_000)
    await refreshRollups(q)
    // Aligned to hours (all from the grains) and not (edges from raw rows grouped by the grain's columns only).
    const spans = [
      { from: at(5 * HOUR), to: at(8 * HOUR) },
      { from: at(5 * HOUR + 90_000), to: at(7 * HOUR + 1_800_000) },
    ]
    const span = spans[0] as { from: string; to: string }
    type Key = 'time' | 'cluster' | 'namespace' | 'workload' | 'node' | 'outcome' | 'startKind'
    const groupings: Key[][] = [
      [],
      ['time'],
      ['cluster'],
      ['namespace'],
      ['namespace', 'workload'],
      ['node'],
      ['time', 'startKind'],
      ['outcome'],
      ['namespace', 'node'],
      ['workload', 'node'],
    ]
    const filterSets = [
      {},
      { cluster: 'prod-eu' },
      { namespace: 'pay' },
      { workload: 'app-1' },
      { node: 'node-y' },
    ]
    const ask = (source: 'auto' | 'raw', groupBy: Key[], filters: object, limit = 1000, within = span) =>
      startupAggregates(q)({ ...within, groupBy, filters, source, detail: 'full', limit })
    for (const within of spans)
      for (const groupBy of groupings)
        for (const filters of filterSets) {
          const auto = await ask('auto', groupBy, filters, 1000, within)
          expect(auto, JSON.stringify({ groupBy, filters, within })).toEqual(
            await ask('raw', groupBy, filters, 1000, within),
          )
        }
    // The largest groups with a limit: chosen on counts, then their percentiles (ties broken by the key).
    const top = await ask('auto', ['namespace', 'workload'], {}, 3)
    expect(top).toEqual(await ask('raw', ['namespace', 'workload'], {}, 3))
    expect(top).toEqual((await ask('raw', ['namespace', 'workload'], {})).slice(0, 3))

    // Proof the grains are read: with the hourly table emptied, questions a grain answers keep their numbers
    // (from startup_rollup_grains); a question needing workload x node has only the hourly table and loses them.
    const before = await ask('auto', ['namespace', 'workload'], {})
    const beforeCross = await ask('auto', ['workload', 'node'], {})
    await q.command('DELETE FROM startup_rollup_hourly WHERE 1')
    expect(await ask('auto', ['namespace', 'workload'], {})).toEqual(before)
    expect(await ask('auto', ['node'], { cluster: 'prod-eu' })).toEqual(
      await ask('raw', ['node'], { cluster: 'prod-eu' }),
    )
    expect(await ask('auto', ['workload', 'node'], {})).not.toEqual(beforeCross)
  })
})

describe('report grains (startup_image_grains, pull_group_grains)', () => {
  const image = (ref: string, container: string) => ({
    ...(coldRecord().pulls[1] as ImagePullRecord),
    image: ref,
    container,
  })
  const withImages = (n: number, refs: string[]) =>
    ready(200 + n, 10 * HOUR + n * 1000, 3000 + n * 100, {
      pulls: refs.map((r, i) => image(r, `c${i}`)),
      containers: refs.map((r, i) => ({ name: `c${i}`, init: false, image: r })),
      node: n === 2 ? null : 'node-r',
    })
  const rows = (table: 'startup_image_grains' | 'pull_group_grains', keys: string, sums = '') =>
    q.query(
      'test.reportGrains',
      `SELECT grain, ${keys}, ${sums}toUInt8(uniqExact(rebuild)) AS rebuilds FROM ${table}
       WHERE bucket = toStartOfHour(parseDateTime64BestEffort({at:String}, 3, 'UTC'))
       GROUP BY grain, ${keys} ORDER BY grain, ${keys}`,
      { at: at(10 * HOUR) },
      z.record(z.string(), z.union([z.string(), z.number()])),
    )

  it('a rebuild writes each startup once per image repository and its pulls per workload, repository and node; prune keeps the latest', async () => {
    await writeStartups(
      q,
      [
        // Two tags of one repository: one startup of that repository, two of its pulls.
        withImages(0, ['registry.example/shop/checkout:1.0', 'registry.example/shop/checkout:2.0']),
        withImages(1, ['registry.example/shop/cart:3.1']),
        withImages(2, []),
      ],
      7_000,
    )
    await refreshRollups(q)
    expect(await rows('startup_image_grains', 'image', 'toString(sum(startups)) AS n, ')).toEqual([
      { grain: 'all', image: '', n: '3', rebuilds: 1 },
      { grain: 'image', image: 'registry.example/shop/cart', n: '1', rebuilds: 1 },
      { grain: 'image', image: 'registry.example/shop/checkout', n: '1', rebuilds: 1 },
    ])
    expect(
      await rows(
        'pull_group_grains',
        'image, workload_name, node',
        'toString(sum(pulls)) AS n, toString(sum(startups)) AS s, ',
      ),
    ).toEqual([
      { grain: 'all', image: '', workload_name: '', node: '', n: '0', s: '3', rebuilds: 1 },
      {
        grain: 'image',
        image: 'registry.example/shop/cart',
        workload_name: '',
        node: '',
        n: '1',
        s: '0',
        rebuilds: 1,
      },
      {
        grain: 'image',
        image: 'registry.example/shop/checkout',
        workload_name: '',
        node: '',
        n: '2',
        s: '0',
        rebuilds: 1,
      },
      { grain: 'node', image: '', workload_name: '', node: 'node-r', n: '3', s: '0', rebuilds: 1 },
      { grain: 'workload', image: '', workload_name: 'checkout', node: '', n: '3', s: '0', rebuilds: 1 },
    ])

    // A rewrite moves startup 1 to another repository; after the rebuild and the prune only its rows remain.
    await writeStartups(q, [withImages(1, ['docker.io/library/redis:7'])], 7_001)
    await refreshRollups(q)
    expect((await rows('startup_image_grains', 'image')).map((r) => r.rebuilds)).toEqual([2, 1, 1, 2])
    await pruneSupersededRollups(q, 0)
    expect(await rows('startup_image_grains', 'image', 'toString(sum(startups)) AS n, ')).toEqual([
      { grain: 'all', image: '', n: '3', rebuilds: 1 },
      { grain: 'image', image: 'docker.io/library/redis', n: '1', rebuilds: 1 },
      { grain: 'image', image: 'registry.example/shop/checkout', n: '1', rebuilds: 1 },
    ])
    expect((await rows('pull_group_grains', 'image')).map((r) => [r.image, r.rebuilds])).toEqual([
      ['', 1],
      ['docker.io/library/redis', 1],
      ['registry.example/shop/checkout', 1],
      ['', 1],
      ['', 1],
    ])
  })
})
