// Upgrading a store to migration 0008 (its own file: one embedded store per process): the TTLs of startups,
// pulls and their rollups move to retain_from and keep the days the operator had set, not the defaults.
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  applyRetention,
  createQuerier,
  defaultRetention,
  MIGRATIONS_DIR,
  migrate,
} from '../src/store/index.ts'
import { openTempStore } from './fixtures/temp-store.ts'

describe('retention across migration 0008', () => {
  it('moves each TTL to retain_from keeping the days an operator set before, and only once', async () => {
    const temp = await openTempStore()
    try {
      // A store at 0007 with retention set to other days, then upgraded.
      const dir = mkdtempSync(join(tmpdir(), 'podstart-migrations-'))
      for (const f of readdirSync(MIGRATIONS_DIR))
        if (/^000[1-7]_/.test(f)) copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f))
      await migrate(temp.store, { dir })
      const old = { ...defaultRetention(), pod_startups: 365, startup_rollup_grains: 400, image_pulls: 30 }
      // retentionStatements names retain_from, which 0007 stores do not have: set the old TTLs by hand.
      const q = createQuerier(temp.store)
      await q.command('ALTER TABLE pod_startups MODIFY TTL toDateTime(created_at) + INTERVAL 365 DAY')
      await q.command('ALTER TABLE image_pulls MODIFY TTL toDateTime(pod_created_at) + INTERVAL 30 DAY')
      await q.command('ALTER TABLE startup_rollup_grains MODIFY TTL bucket + INTERVAL 400 DAY')
      const lines: string[] = []
      await migrate(temp.store, { log: (l) => lines.push(l) })
      const rows = await q.query(
        'test_ttl_after_0008',
        'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase()',
        {},
        z.object({ name: z.string(), engine_full: z.string() }),
      )
      for (const table of ['pod_startups', 'image_pulls', 'startup_rollup_grains'] as const) {
        const engine = rows.find((r) => r.name === table)?.engine_full ?? ''
        expect(engine, table).toContain(`TTL retain_from + toIntervalDay(${old[table]})`)
      }
      expect(rows.find((r) => r.name === 'pod_events')?.engine_full).toContain(
        'TTL toDateTime(observed_at) + toIntervalDay(14)',
      )
      expect(lines).toContain('retention: pod_startups counts from retain_from, keeping 365 days')
      // A second run finds nothing to move; --retention with the same days sends nothing either.
      const again: string[] = []
      await migrate(temp.store, { log: (l) => again.push(l) })
      expect(again.filter((l) => l.startsWith('retention:'))).toEqual([])
      expect((await applyRetention(temp.store, old)).some((c) => c.changed)).toBe(false)
    } finally {
      await temp.cleanup()
    }
  })
})
