// Retention from retain_from on the embedded engine, with the TTL merges forced (OPTIMIZE ... FINAL): startups
// older than the retention written with a retain_from of now survive with their pulls and rollups, the same
// startups written without it go; a bucket whose rollup rows expired while its build record stays is read from
// the raw rows, never as zeros; import runs are recorded and listed with their window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { servedWindow } from '../src/queries/dashboard/rollup-source.ts'
import { startupAggregates } from '../src/queries/dashboard/startup-aggregates.ts'
import { importRunWindow, listImportRuns } from '../src/queries/imports.ts'
import type { StartupRecord } from '../src/record/types.ts'
import { refreshRollups, writeStartups } from '../src/rollups/index.ts'
import { applyRetention, defaultRetention, type Querier, type Store } from '../src/store/index.ts'
import { importFileName, recordImportRun } from '../src/writes/imports.ts'
import { coldRecord } from './fixtures/records.ts'
import { openMigratedStore } from './fixtures/temp-store.ts'

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

let store: Store
let cleanup: () => Promise<void>
let q: Querier

/** The record with every time moved by `deltaMs`. */
function shifted(r: StartupRecord, deltaMs: number): StartupRecord {
  const walk = (v: unknown): unknown =>
    typeof v === 'string' && ISO.test(v)
      ? new Date(Date.parse(v) + deltaMs).toISOString()
      : Array.isArray(v)
        ? v.map(walk)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
          : v
  return walk(r) as StartupRecord
}

/** A cold startup (two pulls) created `daysAgo` days ago, 10 minutes into its hour. */
function oldRecord(cluster: string, uid: string, daysAgo: number): StartupRecord {
  const base = coldRecord({ cluster, uid })
  const target = Math.floor((Date.now() - daysAgo * DAY_MS) / HOUR_MS) * HOUR_MS + 600_000
  return shifted(base, target - Date.parse(base.createdAt))
}

const countRow = z.object({ n: z.coerce.number() })
async function count(sql: string, params: Record<string, unknown> = {}): Promise<number> {
  return (await q.query('test.count', sql, params, countRow))[0]?.n ?? 0
}

const ROLLUP_TABLES = ['startup_rollup_hourly', 'startup_rollup_grains', 'pull_rollup_grains'] as const
async function forceTtl(): Promise<void> {
  for (const t of ['pod_startups', 'image_pulls', ...ROLLUP_TABLES])
    await q.command(`OPTIMIZE TABLE ${t} FINAL`)
}

beforeAll(async () => {
  ;({ store, q, cleanup } = await openMigratedStore())
})
afterAll(async () => cleanup?.())

describe('retain_from', () => {
  it('keeps old startups written with retain_from = now, with their pulls and rollups; the same without it go', async () => {
    const kept = oldRecord('kept', 'uid-kept-1', 300)
    const gone = oldRecord('gone', 'uid-gone-1', 300)
    const now = new Date().toISOString()
    await writeStartups(q, [kept], 1_000, { retainFrom: now })
    await writeStartups(q, [gone], 1_000)
    while ((await refreshRollups(q)).more) {}
    // Written and built before the merge (the old rows without retain_from may already be merged away).
    expect(
      await count("SELECT count() AS n FROM startup_rollup_grains WHERE cluster = 'kept'"),
    ).toBeGreaterThan(0)
    await forceTtl()
    const per = (table: string, cluster: string) =>
      count(`SELECT count() AS n FROM ${table} WHERE cluster = {c:String}`, { c: cluster })
    expect(await per('pod_startups', 'kept')).toBe(1)
    expect(await per('image_pulls', 'kept')).toBe(2)
    for (const t of ROLLUP_TABLES) expect(await per(t, 'kept'), t).toBeGreaterThan(0)
    expect(
      await count(
        "SELECT sum(startups) AS n FROM startup_rollup_grains WHERE cluster = 'kept' AND grain = 'cluster'",
      ),
    ).toBe(1)
    // The TTL is live: without retain_from the same old startup, its pulls and rollup rows are gone.
    for (const t of ['pod_startups', 'image_pulls', ...ROLLUP_TABLES]) expect(await per(t, 'gone'), t).toBe(0)
    // Pulls carry their startup's retain_from; rollup rows the latest of theirs.
    const rf = z.object({ t: z.string() })
    const times = await q.query(
      'test.retain_from',
      `SELECT toString(retain_from) AS t FROM pod_startups WHERE cluster = 'kept'
       UNION ALL SELECT toString(retain_from) FROM image_pulls WHERE cluster = 'kept'
       UNION ALL SELECT toString(retain_from) FROM startup_rollup_grains WHERE cluster = 'kept'
       UNION ALL SELECT toString(retain_from) FROM pull_rollup_grains WHERE cluster = 'kept'`,
      {},
      rf,
    )
    expect(new Set(times.map((r) => r.t))).toEqual(new Set([`${now.slice(0, 10)} ${now.slice(11, 19)}`]))
  })

  it('a bucket whose rollup rows expired while its build record stays is read from the raw rows', async () => {
    // Two old startups kept: one counts retention from now, one from 100 days ago; rollups keep 30 days.
    const fresh = oldRecord('aging', 'uid-aging-fresh', 300)
    const aging = oldRecord('aging', 'uid-aging-old', 250)
    await writeStartups(q, [fresh], 2_000, { retainFrom: new Date().toISOString() })
    await writeStartups(q, [aging], 2_000, { retainFrom: new Date(Date.now() - 100 * DAY_MS).toISOString() })
    while ((await refreshRollups(q)).more) {}
    const window = {
      from: new Date(Date.parse(fresh.createdAt) - 2 * HOUR_MS).toISOString(),
      to: new Date(Date.parse(aging.createdAt) + 2 * HOUR_MS).toISOString(),
    }
    const bucketOf = (r: StartupRecord) => Math.floor(Date.parse(r.createdAt) / HOUR_MS) * HOUR_MS
    const served = async () => (await servedWindow(q, window)).served.map((s) => s.bucket)
    expect(await served()).toEqual([bucketOf(fresh), bucketOf(aging)])
    const total = async (source: 'auto' | 'raw') =>
      (await startupAggregates(q)({ ...window, filters: { cluster: 'aging' }, source })).reduce(
        (n, a) => n + a.startups,
        0,
      )
    expect(await total('auto')).toBe(2)
    try {
      await applyRetention(store, {
        ...defaultRetention(),
        startup_rollup_hourly: 30,
        startup_rollup_grains: 30,
        pull_rollup_grains: 30,
      })
      // MODIFY TTL leaves existing parts' TTL as it was (materialize_ttl_after_modify = 0): apply it to them.
      for (const t of ROLLUP_TABLES)
        await q.command(`ALTER TABLE ${t} MATERIALIZE TTL SETTINGS mutations_sync = 2`)
      await forceTtl()
      // The aging bucket's rollup rows are gone, its build record and startups are not.
      expect(
        await count('SELECT count() AS n FROM startup_rollup_grains WHERE cluster = {c:String}', {
          c: 'aging',
        }),
      ).toBeGreaterThan(0)
      expect(await count("SELECT count() AS n FROM pod_startups WHERE cluster = 'aging'")).toBe(2)
      expect(
        await count("SELECT count() AS n FROM startup_rollup_builds WHERE bucket = {b:DateTime('UTC')}", {
          b: new Date(bucketOf(aging)).toISOString().slice(0, 19).replace('T', ' '),
        }),
      ).toBeGreaterThan(0)
      expect(await served()).toEqual([bucketOf(fresh)])
      expect(await total('auto')).toBe(2)
      expect(await total('raw')).toBe(2)
    } finally {
      await applyRetention(store, defaultRetention())
    }
  })
})

describe('import runs', () => {
  it('are recorded with base names only and listed latest first, with the window of what they stored', async () => {
    const run = {
      cluster: 'imports',
      files: ['/home/someone/captures/dump-a.json', 'C:\\Users\\x\\dump-b.json', '-'],
      stored: 4,
      refused: 12,
      rejected: 1,
      outsideRetention: 12,
      retentionDays: 180,
      keptOld: false,
      minCreatedAt: '2023-07-07T05:22:09.000Z',
      maxCreatedAt: '2024-11-17T11:08:53.000Z',
    }
    await recordImportRun(q, {
      ...run,
      id: 'run-1',
      startedAt: '2026-01-01T10:00:00.000Z',
      finishedAt: '2026-01-01T10:00:02.500Z',
      cutoff: '2025-07-05T10:00:00.000Z',
    })
    await recordImportRun(q, {
      ...run,
      id: 'run-2',
      files: ['empty.json'],
      stored: 0,
      refused: 0,
      rejected: 0,
      outsideRetention: 0,
      keptOld: true,
      minCreatedAt: null,
      maxCreatedAt: null,
      startedAt: '2026-01-02T10:00:00.000Z',
      finishedAt: '2026-01-02T10:00:01.000Z',
      cutoff: '2025-07-06T10:00:00.000Z',
    })
    const runs = await listImportRuns(q)({ cluster: 'imports' })
    expect(runs.map((r) => r.id)).toEqual(['run-2', 'run-1'])
    expect(runs[1]).toEqual({
      ...run,
      id: 'run-1',
      files: ['dump-a.json', 'dump-b.json', '-'],
      startedAt: '2026-01-01T10:00:00.000Z',
      finishedAt: '2026-01-01T10:00:02.500Z',
      cutoff: '2025-07-05T10:00:00.000Z',
    })
    expect(runs[0]?.keptOld).toBe(true)
    expect(runs[0]?.minCreatedAt).toBeNull()
    expect(await listImportRuns(q)({ cluster: 'nobody' })).toEqual([])
    expect(importRunWindow(runs[1] as (typeof runs)[number])).toEqual({
      from: '2023-07-07T05:00:00.000Z',
      to: '2024-11-17T12:00:00.000Z',
    })
    expect(importRunWindow(runs[0] as (typeof runs)[number])).toBeNull()
    expect(importFileName('/a/b/c.json')).toBe('c.json')
    expect(importFileName('-')).toBe('-')
  })
})
