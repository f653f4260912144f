// `podstart import` and retention through the real embedded store: startups created before now minus the
// pod_startups retention are counted before anything is written and refused by default (never written), or kept
// with keepOld so they survive the TTL merges (forced here with OPTIMIZE ... FINAL) with their pulls and rollups.
// Each import is recorded with the time range it stored. The real captures in ../shared/realdata (when present)
// go through the CLI: refused with exit 4 by default, all stored with --keep-old.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { importRunWindow, listImportRuns } from '@podstart/schema/queries'
import { createQuerier, migrate, openStore, type Querier, type Store } from '@podstart/schema/store'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { generateHistory } from '../sim/index.ts'
import { importDumps } from './import-dumps.ts'

const DAY_MS = 86_400_000
const HERE = dirname(fileURLToPath(import.meta.url))
const BIN = join(HERE, '..', '..', 'bin', 'podstart.mjs')
const REALDATA = join(HERE, '..', '..', '..', '..', 'shared', 'realdata')

const dir = mkdtempSync(join(tmpdir(), 'podstart-import-retention-'))
let store: Store
let q: Querier
let oldFile: string
let recentFile: string
let oldPods: number
let recentPods: number

function history(file: string, endAtMs: number, seed: number): number {
  const lines: string[] = []
  const { truth } = generateHistory(
    { seed, scenario: 'mixed', days: 0.1, podsPerHour: 60, endAtMs, cluster: 'sim' },
    (l) => lines.push(JSON.stringify(l)),
  )
  writeFileSync(file, `${lines.join('\n')}\n`)
  return truth.length
}

const countRow = z.object({ n: z.coerce.number() })
const count = async (sql: string, params: Record<string, unknown> = {}) =>
  (await q.query('test.count', sql, params, countRow))[0]?.n ?? 0
const perCluster = (table: string, cluster: string) =>
  count(`SELECT count() AS n FROM ${table} WHERE cluster = {c:String}`, { c: cluster })

/** A querier that notes each insert, so a test can tell what was said before anything was written. */
function noting(inner: Querier, log: string[]): Querier {
  return {
    query: (...a) => inner.query(...a),
    command: (...a) => inner.command(...a),
    insert: (table, rows, opts) => {
      log.push(`insert ${table}`)
      return inner.insert(table, rows, opts)
    },
  }
}

beforeAll(async () => {
  oldFile = join(dir, 'old.ndjson')
  recentFile = join(dir, 'recent.ndjson')
  oldPods = history(oldFile, Date.now() - 300 * DAY_MS, 7)
  recentPods = history(recentFile, Date.now() - 3_600_000, 8)
  store = await openStore({ dataDir: join(dir, 'store'), database: 'podstart' })
  await migrate(store, { log: () => undefined })
  q = createQuerier(store)
}, 120_000)
afterAll(async () => {
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('import and retention', () => {
  it('counts the old pods before writing, refuses them by default and never writes them', async () => {
    expect(oldPods).toBeGreaterThan(2)
    expect(recentPods).toBeGreaterThan(2)
    const log: string[] = []
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      log.push(`stderr ${String(chunk)}`)
      return true
    })
    let summary: Awaited<ReturnType<typeof importDumps>>
    try {
      summary = await importDumps([oldFile, recentFile], noting(q, log), { cluster: 'refuse', quiet: true })
    } finally {
      stderr.mockRestore()
    }
    const notice = log.findIndex((l) =>
      /were created before .* outside pod_startups' 180-day retention/.test(l),
    )
    const firstInsert = log.findIndex((l) => l.startsWith('insert '))
    expect(notice).toBeGreaterThanOrEqual(0)
    expect(firstInsert).toBeGreaterThan(notice)
    expect(log[notice]).toContain(`${oldPods} of ${oldPods + recentPods} pods were created before`)
    expect(log[notice]).toContain('not imported; --keep-old keeps them')
    expect(summary.refused).toBe(oldPods)
    expect(summary.retention).toMatchObject({ days: 180, keptOld: false, outside: oldPods })
    expect(Date.parse(summary.retention.cutoff)).toBeGreaterThan(Date.now() - 180 * DAY_MS - 60_000)
    expect(summary.startups).toBe(recentPods)
    // Never written: no old row at all, before any merge could have removed one.
    expect(
      await count(
        "SELECT count() AS n FROM pod_startups WHERE cluster = 'refuse' AND created_at < {cut:DateTime64(3, 'UTC')}",
        { cut: summary.retention.cutoff.replace('T', ' ').replace('Z', '') },
      ),
    ).toBe(0)
    expect(await perCluster('pod_startups', 'refuse')).toBe(recentPods)
  })

  it('keeps them with keepOld: startups, pulls and rollups survive the TTL merges; refused ones are gone', async () => {
    const summary = await importDumps([oldFile], q, { cluster: 'kept', quiet: true, keepOld: true })
    expect(summary).toMatchObject({ startups: oldPods, refused: 0 })
    expect(summary.retention).toMatchObject({ keptOld: true, outside: oldPods })
    const pulls = await perCluster('image_pulls', 'kept')
    expect(pulls).toBeGreaterThan(0)
    for (const t of [
      'pod_startups',
      'image_pulls',
      'startup_rollup_hourly',
      'startup_rollup_grains',
      'pull_rollup_grains',
    ])
      await q.command(`OPTIMIZE TABLE ${t} FINAL`)
    expect(await perCluster('pod_startups', 'kept')).toBe(oldPods)
    expect(await perCluster('image_pulls', 'kept')).toBe(pulls)
    for (const t of ['startup_rollup_hourly', 'startup_rollup_grains', 'pull_rollup_grains'])
      expect(await perCluster(t, 'kept'), t).toBeGreaterThan(0)
    expect(
      await count(
        "SELECT sum(startups) AS n FROM startup_rollup_grains WHERE cluster = 'kept' AND grain = 'cluster'",
      ),
    ).toBe(oldPods)
    // The refusing import's recent startups are still there, its old ones never were.
    expect(await perCluster('pod_startups', 'refuse')).toBe(recentPods)
  })

  it('records each import with its counts and the range it stored', async () => {
    const runs = await listImportRuns(q)({})
    const byCluster = Object.fromEntries(runs.map((r) => [r.cluster, r]))
    expect(byCluster.refuse).toMatchObject({
      files: ['old.ndjson', 'recent.ndjson'],
      stored: recentPods,
      refused: oldPods,
      outsideRetention: oldPods,
      keptOld: false,
      retentionDays: 180,
    })
    expect(byCluster.kept).toMatchObject({
      files: ['old.ndjson'],
      stored: oldPods,
      refused: 0,
      keptOld: true,
    })
    const kept = byCluster.kept as (typeof runs)[number]
    const window = importRunWindow(kept)
    expect(window).not.toBeNull()
    const inside = await count(
      `SELECT count() AS n FROM pod_startups FINAL WHERE cluster = 'kept'
       AND created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}`,
      {
        from: (window?.from ?? '').replace('T', ' ').replace('Z', ''),
        to: (window?.to ?? '').replace('T', ' ').replace('Z', ''),
      },
    )
    expect(inside).toBe(oldPods)
    expect(Date.parse(kept.minCreatedAt ?? '')).toBeLessThan(Date.now() - 299 * DAY_MS)
  })
})

const realFiles = existsSync(REALDATA)
  ? readdirSync(REALDATA)
      .filter((f) => f !== 'README.md')
      .map((f) => join(REALDATA, f))
  : []

describe.skipIf(realFiles.length === 0)('the real captures (../shared/realdata)', () => {
  const run = (data: string, extra: string[]) =>
    spawnSync(process.execPath, [BIN, 'import', '--data', data, '--json', ...extra, ...realFiles], {
      encoding: 'utf8',
      timeout: 120_000,
    })

  it('are all older than the retention: refused with exit 4 by default, stored with --keep-old', () => {
    const data = join(dir, 'real-store')
    const refused = run(data, [])
    expect(refused.status, refused.stderr).toBe(4)
    expect(refused.stderr).toMatch(
      /16 of 16 pods were created before \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC, outside pod_startups' 180-day retention: not imported; --keep-old keeps them/,
    )
    const a = JSON.parse(refused.stdout) as {
      startups: number
      refused: number
      retention: { cutoff: string }
    }
    expect(a).toMatchObject({ startups: 0, refused: 16 })
    expect(a.retention.cutoff).toMatch(/^\d{4}-\d{2}-\d{2}T/)
    const kept = run(data, ['--keep-old'])
    expect(kept.status, kept.stderr).toBe(0)
    expect(kept.stderr).toContain('kept (--keep-old), they expire 180 days after this import')
    const b = JSON.parse(kept.stdout) as { startups: number; refused: number; storedRange: unknown }
    expect(b).toMatchObject({ startups: 16, refused: 0 })
    expect(b.storedRange).toEqual({ from: '2023-07-07T05:22:09.000Z', to: '2024-11-17T11:08:53.000Z' })
  }, 240_000)
})
