// Day rows (migration 0016) against the real embedded engine: every question that may read them gives the raw
// tables' answer, with open hours, partial days at both ends and a startup rewritten after its day was built;
// counts and means also against figures computed here from the records themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { coldRecord, pendingRecord } from '../../../test/fixtures/records.ts'
import { openMigratedStore } from '../../../test/fixtures/temp-store.ts'
import type { StartupRecord } from '../../record/types.ts'
import {
  pruneSupersededRollups,
  rebuildRollupBuckets,
  refreshRollups,
  writeStartups,
} from '../../rollups/index.ts'
import type { Querier } from '../../store/index.ts'
import { imagePullStats, nodeCacheHits, pullFailures } from './image-pulls.ts'
import { servedDays, servedWindow } from './rollup-source.ts'
import { type StartupAggregatesParams, startupAggregates } from './startup-aggregates.ts'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
const nowMs = Date.now()
const todayMs = nowMs - (nowMs % DAY_MS)
/** The one whole day of the window: yesterday. */
const dayMs = todayMs - DAY_MS
const iso = (ms: number) => new Date(ms).toISOString()
/** From 20:00 the day before yesterday (4 hours of a partial day) to an hour past now (the open hour). */
const window = { from: iso(dayMs - 4 * HOUR_MS), to: iso(nowMs - (nowMs % HOUR_MS) + 2 * HOUR_MS) }

let cleanup: () => Promise<void>
let q: Querier
const records: StartupRecord[] = []

/** A startup `offsetMs` into the hour starting at `hourMs`, varied by `i` in namespace, workload, node, totals. */
function startup(i: number, hourMs: number, offsetMs: number): StartupRecord {
  const created = hourMs + offsetMs
  const t = (ms: number) => iso(created + ms)
  const base = coldRecord()
  const total = 3_000 + ((i * 7919) % 40_000)
  const warm = i % 3 === 0
  return coldRecord({
    uid: `5f0c8a52-0000-4c1e-9d7a-${String(i).padStart(12, '0')}`,
    pod: `app-${i % 5}-${String(i).padStart(5, '0')}`,
    namespace: `ns-${i % 3}`,
    workload: { kind: 'Deployment', name: `app-${i % 5}` },
    node: `node-${i % 4}`,
    createdAt: t(0),
    readyAt: t(total),
    totalMs: total,
    phases: { ...base.phases, ready: total - 11_300 > 0 ? total - 11_300 : 700 },
    cold: !warm,
    pulls: base.pulls.map((p, k) => ({
      ...p,
      startedAt: t(960 + k * 3_000),
      pullMs: warm ? 0 : (p.pullMs ?? 0) + (i % 11) * 100,
      cached: warm,
      outcome: i % 17 === 0 && k === 0 ? 'failed' : 'ok',
      failureReason: i % 17 === 0 && k === 0 ? 'ErrImagePull' : p.failureReason,
    })),
  })
}

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  let i = 0
  // Every hour from the window's start to the open hour, two or three startups each.
  for (let h = Date.parse(window.from); h <= nowMs; h += HOUR_MS)
    for (let k = 0; k < 2 + (i % 2); k++)
      records.push(startup(i++, h, Math.min(k * 61_000 + 5_000, nowMs - h)))
  // A pending bare pod in yesterday's 07:00 (no total: it counts, but in no percentile).
  records.push(
    pendingRecord({ uid: '5f0c8a52-0000-4c1e-9d7a-pending00001', createdAt: iso(dayMs + 7 * HOUR_MS) }),
  )
  await writeStartups(q, records, 1_000)
  await refreshRollups(q)
})
afterAll(async () => cleanup?.())

/** Questions that may read day rows, in the shapes the pages ask them. */
const QUESTIONS: [string, Omit<StartupAggregatesParams, 'from' | 'to'>][] = [
  ['summary with phase percentiles', { detail: 'full' }],
  ['cold/warm', { groupBy: ['startKind'] }],
  ['SLO per cluster-day', { groupBy: ['cluster', 'day'] }],
  ['namespaces table', { groupBy: ['namespace'], limit: 15 }],
  ['workloads table', { groupBy: ['namespace', 'workload'], limit: 15 }],
  ['nodes table', { groupBy: ['node'], limit: 15 }],
  ['filter options', { groupBy: ['cluster', 'namespace', 'workload'], detail: 'counts', limit: 10_000 }],
  ['daily series', { groupBy: ['time'], stepSeconds: 86_400 }],
  ['one namespace by node', { groupBy: ['node'], filters: { namespace: 'ns-1' } }],
  ['one node by outcome', { groupBy: ['outcome'], filters: { node: 'node-2' } }],
  ['hourly series (hours only)', { groupBy: ['time'], stepSeconds: 3600 }],
]

async function answers(source: 'auto' | 'raw') {
  const out: Record<string, unknown> = {}
  for (const [name, p] of QUESTIONS) out[name] = await startupAggregates(q)({ ...window, ...p, source })
  out.pullStats = await imagePullStats(q)({ ...window, source })
  out.cacheHits = await nodeCacheHits(q)({ ...window, source })
  out.dailyPullFailures = await pullFailures(q)({ ...window, stepSeconds: 86_400, source })
  return out
}

/**
 * The served days, read both ways: the day builds in a read of their own and in the served hours' round trip
 * (`days: true`). The two must agree at every step; the tests check the answer against the expected days.
 */
async function splitDays(): Promise<Awaited<ReturnType<typeof servedDays>>> {
  const separate = await servedDays(q, await servedWindow(q, window))
  const oneTrip = await servedDays(q, await servedWindow(q, window, { days: true }))
  expect({
    days: oneTrip.days,
    hours: { served: oneTrip.hours.served, ranges: oneTrip.hours.ranges },
  }).toEqual({
    days: separate.days,
    hours: { served: separate.hours.served, ranges: separate.hours.ranges },
  })
  return separate
}

describe('day rows', () => {
  it('are built for the one whole day of the window and read for it', async () => {
    const served = await servedWindow(q, window)
    const split = await splitDays()
    expect(split.days.map((d) => iso(d.bucket))).toEqual([iso(dayMs)])
    // The day's 24 hours leave the hour list; the raw ranges (open hour, edges) are unchanged.
    expect(split.hours.served).toHaveLength(served.served.length - 24)
    expect(split.hours.ranges).toEqual(served.ranges)
  })

  it('give the raw tables answer to every question, and the counts and means of the records', async () => {
    const auto = await answers('auto')
    expect(auto).toEqual(await answers('raw'))
    // Ground truth from the records: startups per namespace and the mean total of complete startups.
    const byNs = new Map<string, number>()
    for (const r of records) byNs.set(r.namespace, (byNs.get(r.namespace) ?? 0) + 1)
    const ns = auto['namespaces table'] as Awaited<ReturnType<ReturnType<typeof startupAggregates>>>
    expect(Object.fromEntries(ns.map((g) => [g.group.namespace, g.startups]))).toEqual(
      Object.fromEntries(byNs),
    )
    const [summary] = auto['summary with phase percentiles'] as typeof ns
    const complete = records.filter((r) => r.totalMs !== null)
    expect(summary?.startups).toBe(records.length)
    expect(summary?.complete.count).toBe(complete.length)
    expect(summary?.complete.meanTotalMs).toBeCloseTo(
      complete.reduce((s, r) => s + (r.totalMs ?? 0), 0) / complete.length,
      6,
    )
  })

  it('stand for the day: without the hour rows of its workloads, the workloads table is unchanged', async () => {
    const ask = () => startupAggregates(q)({ ...window, groupBy: ['namespace', 'workload'], limit: 15 })
    const before = await ask()
    // Only the workload grain's hour rows of that day go (the cluster grain still proves the hours served).
    await q.command(
      `DELETE FROM startup_rollup_grains WHERE grain = 'workload' AND toStartOfDay(bucket) = {day:DateTime('UTC')}`,
      { day: iso(dayMs).slice(0, 19).replace('T', ' ') },
    )
    expect(await ask()).toEqual(before)
    // Rebuild those hours (a dirty mark and a refresh) so the next test starts from complete rows.
    await q.command(
      `INSERT INTO startup_rollup_dirty (bucket, marked_at)
       SELECT {day:DateTime('UTC')} + toIntervalHour(number), now64(3, 'UTC') FROM numbers(24)`,
      { day: iso(dayMs).slice(0, 19).replace('T', ' ') },
    )
    await refreshRollups(q)
    expect(await ask()).toEqual(before)
  })

  it('a startup rewritten after its day was built: raw answers at once, a new day build after the refresh', async () => {
    const before = await answers('auto')
    const target = records.find((r) => Date.parse(r.createdAt) >= dayMs + 5 * HOUR_MS) as StartupRecord
    const rewritten: StartupRecord = {
      ...target,
      totalMs: 95_000,
      readyAt: iso(Date.parse(target.createdAt) + 95_000),
    }
    await writeStartups(q, [rewritten], 2_000)
    const dirty = await splitDays()
    expect(dirty.days).toEqual([])
    const afterWrite = await answers('auto')
    expect(afterWrite).toEqual(await answers('raw'))
    // Its hour rebuilt but not yet its day: the hour serves a rebuild the day build did not merge.
    const createdMs = Date.parse(rewritten.createdAt)
    const hour = iso(createdMs - (createdMs % HOUR_MS))
      .slice(0, 19)
      .replace('T', ' ')
    await rebuildRollupBuckets(q, [hour])
    const hourOnly = await splitDays()
    expect(hourOnly.days).toEqual([])
    expect(hourOnly.hours.served.length).toBeGreaterThan(24)
    expect(await answers('auto')).toEqual(afterWrite)
    await refreshRollups(q)
    const rebuilt = await splitDays()
    expect(rebuilt.days.map((d) => iso(d.bucket))).toEqual([iso(dayMs)])
    expect(await answers('auto')).toEqual(afterWrite)
    // The rewrite moved the answers (its day is read anew, not from the day rows built before it).
    expect(afterWrite).not.toEqual(before)
    // Pruning keeps only the latest day build's rows, and the answers.
    const builds = async () =>
      (
        await q.query(
          'test.dayBuilds',
          'SELECT uniqExact(rebuild) AS n FROM startup_rollup_day_grains',
          {},
          z.object({ n: z.coerce.number() }),
        )
      )[0]?.n
    expect(await builds()).toBeGreaterThan(1)
    await pruneSupersededRollups(q, 0)
    expect(await builds()).toBe(1)
    expect(await answers('auto')).toEqual(afterWrite)
  })
})
