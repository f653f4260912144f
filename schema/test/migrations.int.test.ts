import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  createQuerier,
  loadMigrations,
  MIGRATIONS_DIR,
  migrate,
  planMigrations,
  type Store,
  schemaVersionStatus,
} from '../src/store/index.ts'
import { openTempStore } from './fixtures/temp-store.ts'

let store: Store
let cleanup: () => Promise<void>

/** The shipped 0001_init plus a second migration of the test's own, so other migrations in progress do not matter. */
function fixtureDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'podstart-mig-'))
  cpSync(join(MIGRATIONS_DIR, '0001_init.up.sql'), join(dir, '0001_init.up.sql'))
  cpSync(join(MIGRATIONS_DIR, '0001_init.down.sql'), join(dir, '0001_init.down.sql'))
  writeFileSync(
    join(dir, '0002_notes.up.sql'),
    "-- a test migration; two statements\nCREATE TABLE IF NOT EXISTS notes{on_cluster} (k String COMMENT 'a; b') ENGINE = {engine:MergeTree()} ORDER BY k;\nALTER TABLE notes{on_cluster} ADD COLUMN IF NOT EXISTS v UInt8;\n",
  )
  return dir
}
const DIR = fixtureDir()

beforeAll(async () => {
  ;({ store, cleanup } = await openTempStore())
})
afterAll(async () => cleanup?.())

const tables = async (database: string) =>
  (
    await createQuerier(store).query(
      'tables',
      'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name',
      { db: database },
      z.object({ name: z.string() }),
    )
  ).map((r) => r.name)

const recorded = async (database: string) =>
  createQuerier(store).query(
    'recorded',
    `SELECT version, name, checksum FROM ${database}.schema_migrations FINAL ORDER BY version`,
    {},
    z.object({ version: z.number(), name: z.string(), checksum: z.string() }),
  )

describe('migrate against the embedded engine', () => {
  it('applies every migration from empty, then is a no-op the second time', async () => {
    const files = loadMigrations(DIR)
    expect(await schemaVersionStatus(store, DIR)).toEqual({
      applied: 0,
      latest: 2,
      pending: ['0001_init', '0002_notes'],
    })
    const log: string[] = []
    const first = await migrate(store, { dir: DIR, log: (l) => log.push(l) })
    expect(first.applied).toEqual(['0001_init', '0002_notes'])
    expect(log[0]).toMatch(/^apply 0001_init \(sha256 [0-9a-f]{12}…\)$/)
    expect(await tables('podstart')).toEqual([
      'image_pulls',
      'notes',
      'pod_events',
      'pod_startups',
      'schema_migrations',
      'schema_migrations_lock',
    ])
    expect((await recorded('podstart')).map((r) => [r.name, r.checksum])).toEqual(
      files.map((f) => [f.name, f.checksum]),
    )

    const again: string[] = []
    const second = await migrate(store, { dir: DIR, log: (l) => again.push(l) })
    expect(second.applied).toEqual([])
    expect(again).toEqual(['up to date (2 applied)'])
    expect(await recorded('podstart')).toHaveLength(2)
    expect(await schemaVersionStatus(store, DIR)).toEqual({ applied: 2, latest: 2, pending: [] })
  })

  it('a dry run plans and applies nothing', async () => {
    const dir = fixtureDir()
    writeFileSync(
      join(dir, '0999_extra.up.sql'),
      'CREATE TABLE IF NOT EXISTS extra{on_cluster} (x UInt8) ENGINE = {engine:MergeTree()} ORDER BY x;\n',
    )
    const log: string[] = []
    const r = await migrate(store, { dir, dry: true, log: (l) => log.push(l) })
    expect(log).toEqual([expect.stringMatching(/^apply 0999_extra /)])
    expect(r.plan.pending[0]?.statements[0]?.sql).toBe(
      'CREATE TABLE IF NOT EXISTS extra (x UInt8) ENGINE = MergeTree() ORDER BY x',
    )
    expect(await tables('podstart')).not.toContain('extra')
  })

  it('refuses to run when an applied file changed, naming the file', async () => {
    const dir = fixtureDir()
    const file = join(dir, '0001_init.up.sql')
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- edited after landing\n`)
    const err = await migrate(store, { dir }).catch((e: unknown) => e)
    expect(err).toMatchObject({ exitCode: 1 })
    expect((err as Error).message).toMatch(/^migration 0001_init\.up\.sql changed after it was applied/)
    await expect(planMigrations(store, { dir })).rejects.toThrow('0001_init.up.sql changed')
  })
})

describe('the repository migrations', () => {
  it('apply from empty in their own database, then are up to date', async () => {
    await store.client.command({ query: 'CREATE DATABASE IF NOT EXISTS shipped' })
    await store.client.command({ query: 'USE shipped' })
    try {
      const names = loadMigrations().map((f) => f.name)
      expect((await migrate(store)).applied).toEqual(names)
      expect((await migrate(store)).applied).toEqual([])
    } finally {
      await store.client.command({ query: 'USE podstart' })
    }
  })
})

describe('two runners at once', () => {
  it('apply each migration exactly once and both finish', async () => {
    await store.client.command({ query: 'CREATE DATABASE IF NOT EXISTS race' })
    await store.client.command({ query: 'USE race' })
    try {
      const logs: string[][] = [[], []]
      const results = await Promise.all(
        [0, 1].map((i) => migrate(store, { dir: DIR, log: (l) => logs[i]?.push(l), lockTimeoutMs: 30_000 })),
      )
      const names = loadMigrations(DIR).map((f) => f.name)
      // Exactly one runner applied everything; the other found it up to date after waiting.
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, names.length])
      expect([...results[0]!.applied, ...results[1]!.applied]).toEqual(names)
      expect(logs.flat()).toContain(`up to date (${names.length} applied)`)
      const rows = await store.client.query({
        query: 'SELECT name, count() AS n FROM race.schema_migrations GROUP BY name ORDER BY name',
        format: 'JSONEachRow',
      })
      expect(await rows.json()).toEqual(names.map((name) => ({ name, n: '1' })))
    } finally {
      await store.client.command({ query: 'USE podstart' })
    }
  })
})
