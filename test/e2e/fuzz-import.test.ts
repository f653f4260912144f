// `podstart import` as a real process on generated dumps (the property suite's pods and events, with extreme
// and malformed fields): a kubectl List and NDJSON watch lines with some lines broken. It never hangs, exits 0
// or 4, and its JSON summary agrees with what the store holds (stored startups, rejected_records rows).
// Seeded; PODSTART_FUZZ_RUNS=<n> imports more dumps.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { countStartups } from '@podstart/schema/queries'
import { createQuerier, openStore } from '@podstart/schema/store'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { clusterUpdates, fuzzRuns } from '../../collector/test/fuzz/arbitraries.ts'
import { runPodstart } from '../support/process.ts'

const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-fuzz-import-'))
const data = path.join(dir, 'store')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const BROKEN_LINES = ['{"type":"ADDED","object":{', 'not json at all', '[]', '{"type":"ADDED"}', '']

/** A dump of generated updates: a List of their objects, or watch lines with broken ones in between. */
function dumpText(updates: { update: { type: string; object: unknown } }[], ndjson: boolean): string {
  if (!ndjson)
    return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: updates.map((u) => u.update.object) })
  const lines: string[] = []
  updates.forEach((u, i) => {
    lines.push(JSON.stringify(u.update) ?? 'null')
    if (i % 9 === 4) lines.push(BROKEN_LINES[i % BROKEN_LINES.length] as string)
  })
  return `${lines.join('\n')}\n`
}

const summarySchema = z.object({
  updates: z.number(),
  startups: z.number(),
  refused: z.number(),
  rejected: z.record(z.string(), z.number()),
})

describe('podstart import on generated dumps', () => {
  it('exits 0 or 4 within the timeout, and its summary agrees with the store', async () => {
    const samples = fc.sample(clusterUpdates(10), { seed: 16_018, numRuns: fuzzRuns(4) })
    let stored = 0
    for (const [i, updates] of samples.entries()) {
      const cluster = `fuzz-import-${i}`
      const file = path.join(dir, `dump-${i}.${i % 2 ? 'ndjson' : 'json'}`)
      writeFileSync(file, dumpText(updates, i % 2 === 1))
      const run = await runPodstart(['import', file, '--data', data, '--cluster', cluster, '--json'], {
        timeoutMs: 120_000,
      })
      expect([0, 4], `${file}: ${run.stderr.slice(-2000)}`).toContain(run.code)
      const summary = summarySchema.parse(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}'))
      const rejected = Object.values(summary.rejected).reduce((a, b) => a + b, 0)
      expect(run.code).toBe(rejected + summary.refused > 0 ? 4 : 0)
      const store = await openStore({ dataDir: data, database: 'podstart' })
      try {
        const q = createQuerier(store)
        expect(await countStartups(q)({ cluster })).toBe(summary.startups)
        const rows = await q.query(
          'test.rejected',
          'SELECT reason FROM rejected_records WHERE cluster = {c:String}',
          { c: cluster },
          z.object({ reason: z.string() }),
        )
        expect(rows.length).toBe(rejected)
        for (const r of rows) expect(r.reason.length).toBeGreaterThan(0)
      } finally {
        await store.close()
      }
      stored += summary.startups
    }
    expect(stored).toBeGreaterThan(0)
  }, 600_000)
})
