// Retention on the embedded engine: the TTL the engine reports changes to the configured days, only where
// it differs; config and env values are validated; the migrations' TTLs are the documented defaults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  applyRetention,
  createQuerier,
  defaultRetention,
  migrate,
  RETENTION_TABLES,
  retentionFromConfig,
  retentionStatements,
  type Store,
} from '../src/store/index.ts'
import { retentionInForce } from '../src/store/retention.ts'
import { openTempStore } from './fixtures/temp-store.ts'

let store: Store
let cleanup: () => Promise<void>

beforeAll(async () => {
  ;({ store, cleanup } = await openTempStore())
  await migrate(store)
})
afterAll(async () => cleanup?.())

async function ttlDays(): Promise<Record<string, number | null>> {
  const rows = await createQuerier(store).query(
    'test_ttls',
    'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase()',
    {},
    z.object({ name: z.string(), engine_full: z.string() }),
  )
  return Object.fromEntries(
    rows.map((r) => {
      const m = /TTL (?:toDateTime\(\w+\)|\w+) \+ toIntervalDay\((\d+)\)/.exec(r.engine_full)
      return [r.name, m ? Number(m[1]) : null]
    }),
  )
}

describe('retention', () => {
  it('the migrations create every table with its documented default TTL on the mapped column', async () => {
    const rows = await createQuerier(store).query(
      'test_ttl_columns',
      'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase()',
      {},
      z.object({ name: z.string(), engine_full: z.string() }),
    )
    for (const [table, spec] of Object.entries(RETENTION_TABLES)) {
      const engine = rows.find((r) => r.name === table)?.engine_full ?? ''
      const time = 'wrap' in spec ? spec.column : `toDateTime(${spec.column})`
      expect(engine, table).toContain(`TTL ${time} + toIntervalDay(${spec.defaultDays})`)
    }
  })

  it('every table whose TTL counts from retain_from is in the map, so podstart migrate --retention reaches it', async () => {
    const rows = await createQuerier(store).query(
      'test_ttl_tables',
      'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase()',
      {},
      z.object({ name: z.string(), engine_full: z.string() }),
    )
    const counted = rows.filter((r) => r.engine_full.includes('TTL retain_from')).map((r) => r.name)
    expect(counted.length).toBeGreaterThanOrEqual(5)
    for (const table of counted) expect(Object.keys(RETENTION_TABLES), table).toContain(table)
  })

  it('applies changed TTLs with ALTER TABLE ... MODIFY TTL and leaves the others untouched', async () => {
    const days = retentionFromConfig({ pod_startups: 90, pod_events: '7', startup_rollup_hourly: 400 })
    const changes = await applyRetention(store, days)
    expect(changes.filter((c) => c.changed)).toEqual([
      { table: 'pod_startups', days: 90, changed: true },
      { table: 'pod_events', days: 7, changed: true },
      { table: 'startup_rollup_hourly', days: 400, changed: true },
    ])
    const ttl = await ttlDays()
    expect(ttl.pod_startups).toBe(90)
    expect(ttl.pod_events).toBe(7)
    expect(ttl.startup_rollup_hourly).toBe(400)
    expect(ttl.image_pulls).toBe(180)
    expect(ttl.kubelet_pull_histograms).toBe(30)
    // Applying the same settings again sends nothing.
    expect((await applyRetention(store, days)).some((c) => c.changed)).toBe(false)
    // Back to the defaults.
    await applyRetention(store, defaultRetention())
    expect((await ttlDays()).pod_startups).toBe(180)
  })

  it('env PODSTART_RETENTION_<TABLE>_DAYS overrides the config file', async () => {
    const days = retentionFromConfig({ image_pulls: 60 }, { PODSTART_RETENTION_IMAGE_PULLS_DAYS: '45' })
    expect(days.image_pulls).toBe(45)
    await applyRetention(store, days)
    expect((await ttlDays()).image_pulls).toBe(45)
  })

  it('rejects bad values and unknown tables with the key named, and changes nothing', async () => {
    const before = await ttlDays()
    expect(() => retentionFromConfig({ pod_startups: 1.5 })).toThrow(
      /retention\.pod_startups: must be a whole number/,
    )
    expect(() => retentionFromConfig({ pod_startups: '90; DROP TABLE x' })).toThrow(/retention\.pod_startups/)
    expect(() => retentionFromConfig({ pod_startups: 0 })).toThrow(/between 1 and 36500/)
    expect(() => retentionFromConfig({ schema_migrations: 10 })).toThrow(
      /schema_migrations: not a table with retention/,
    )
    expect(() => retentionFromConfig([1])).toThrow(/must be a map/)
    expect(() => retentionFromConfig({}, { PODSTART_RETENTION_POD_EVENTS_DAYS: 'two weeks' })).toThrow(
      /PODSTART_RETENTION_POD_EVENTS_DAYS/,
    )
    const bad = { ...defaultRetention(), pod_events: 3.2 }
    await expect(applyRetention(store, bad)).rejects.toThrow(/pod_events must be an integer/)
    expect(await ttlDays()).toEqual(before)
  })

  it('with --on-cluster the statements carry ON CLUSTER', () => {
    const statements = retentionStatements(defaultRetention(), { onCluster: 'main' })
    expect(statements).toHaveLength(Object.keys(RETENTION_TABLES).length)
    expect(statements[0]).toBe(
      "ALTER TABLE pod_startups ON CLUSTER 'main' MODIFY TTL retain_from + INTERVAL 180 DAY SETTINGS materialize_ttl_after_modify = 0",
    )
    for (const s of statements) expect(s).toMatch(/^ALTER TABLE \w+ ON CLUSTER 'main' MODIFY TTL /)
  })

  it('startups, pulls and their rollups count from retain_from; the days in force are read back', async () => {
    for (const table of [
      'pod_startups',
      'image_pulls',
      'startup_rollup_hourly',
      'startup_rollup_grains',
      'pull_rollup_grains',
      'startup_image_grains',
      'pull_group_grains',
      'startup_rollup_day_grains',
      'pull_rollup_day_grains',
    ] as const)
      expect(RETENTION_TABLES[table].column, table).toBe('retain_from')
    await applyRetention(store, { ...defaultRetention(), pod_startups: 120 })
    expect(await retentionInForce(createQuerier(store), 'pod_startups')).toEqual({
      days: 120,
      fromStore: true,
    })
    await applyRetention(store, defaultRetention())
    expect(await retentionInForce(createQuerier(store), 'pod_startups')).toEqual({
      days: 180,
      fromStore: true,
    })
  })
})
