// A row written before migration 0009 stays readable after it: no SLI cut, unknown condition and watch times.
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { sliPerClusterDay, startupByUid } from '../src/queries/index.ts'
import { createQuerier, MIGRATIONS_DIR, migrate } from '../src/store/index.ts'
import { at, fixtureWindow } from './fixtures/records.ts'
import { openTempStore } from './fixtures/temp-store.ts'

let cleanup: (() => Promise<void>) | undefined
afterAll(async () => cleanup?.())

describe('migration 0009 on a store with startups', () => {
  it('reads old rows as unrecorded: sli absent, times null, counted apart by the SLI query', async () => {
    const temp = await openTempStore()
    cleanup = temp.cleanup
    const dir = mkdtempSync(join(tmpdir(), 'podstart-migrations-'))
    for (const f of readdirSync(MIGRATIONS_DIR))
      if (/^000[1-8]_/.test(f)) copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f))
    await migrate(temp.store, { dir })
    const q = createQuerier(temp.store)
    await q.command(
      `INSERT INTO pod_startups (cluster, namespace, pod, uid, created_at, outcome, slo_ms, containers_json,
         boundary_created_at, boundary_created_source, record_version, version)
       VALUES ('old', 'ns', 'p', 'u-old', {created:DateTime64(3, 'UTC')}, 'ready', 900, '[]',
         {created:DateTime64(3, 'UTC')}, 'status', 1, 1)`,
      { created: at(0).replace('T', ' ').replace('Z', '') },
    )
    await migrate(temp.store)
    const back = await startupByUid(q)({ cluster: 'old', uid: 'u-old' })
    expect(back?.sloMs).toBe(900)
    expect(back?.sli).toBeUndefined()
    expect(back?.observed).toEqual({ scheduled: null, running: null, allStarted: null, ready: null })
    expect(back?.conditions?.Initialized).toBeNull()
    const [day] = await sliPerClusterDay(q)(fixtureWindow)
    expect(day).toMatchObject({
      cluster: 'old',
      startups: 1,
      included: 0,
      p99Ms: null,
      withinSlo: null,
      unrecorded: 1,
    })
  })
})
