// `podstart import` as a user runs it, on dumps the simulator never writes: 30 good pods next to a pod created 60
// days before its Ready flapped, a forged `in 99999999h` pull, and pods created in 1899, 2400 and 9999. The good
// pods are stored, the odd values nulled and counted, the impossible records named and set aside in
// rejected_records, the exit code says so, and the store keeps working for the next import. Then a truncated
// copy of a dump is imported over the full one and makes no stored record worse.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { countStartups, startupByUid } from '@podstart/schema/queries'
import { createQuerier, openStore } from '@podstart/schema/store'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { listDump, podWithEvents, poisonSet } from '../support/poison-dump.ts'
import { runPodstart } from '../support/process.ts'

const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-poison-'))
const data = path.join(dir, 'store')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const CLUSTER = 'poison'
const now = Date.now()

async function withStore<T>(fn: (q: ReturnType<typeof createQuerier>) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir: data, database: 'podstart' })
  try {
    return await fn(createQuerier(store))
  } finally {
    await store.close()
  }
}

const rejectedRow = z.object({
  record_key: z.string(),
  reason: z.string(),
  target: z.string(),
  source: z.string(),
})

describe('podstart import on poison records', () => {
  it('stores every good pod, nulls what does not fit, names and sets aside what cannot be stored, exits 4', async () => {
    const set = poisonSet(now, 30)
    const file = path.join(dir, 'poison.json')
    writeFileSync(
      file,
      listDump([
        ...set.good,
        set.clamped.flapped,
        set.clamped.forged,
        ...set.rejected.map(({ pod, events }) => ({ pod, events })),
      ]),
    )
    const run = await runPodstart(['import', file, '--data', data, '--cluster', CLUSTER, '--json'], {
      timeoutMs: 120_000,
    })
    expect(run.code, run.stderr).toBe(4)
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
      startups: number
      rejected: Record<string, number>
      corrected: Record<string, number>
    }
    expect(summary.startups).toBe(32)
    expect(summary.rejected).toEqual({ 'pod_startups:created-out-of-range': 3 })
    expect(summary.corrected['duration-over-ceiling']).toBeGreaterThanOrEqual(2)
    for (const r of set.rejected) {
      expect(run.stderr).toContain(`shop/${(r.pod.metadata as { name: string }).name}`)
      expect(run.stderr).toContain(r.createdText.slice(0, 4))
    }
    await withStore(async (q) => {
      expect(await countStartups(q)({ cluster: CLUSTER })).toBe(32)
      for (const g of set.good) {
        const uid = (g.pod.metadata as { uid: string }).uid
        const s = await startupByUid(q)({ cluster: CLUSTER, uid })
        expect(s?.outcome, uid).toBe('ready')
        expect(s?.totalMs, uid).toBeGreaterThan(0)
      }
      const flapped = await startupByUid(q)({ cluster: CLUSTER, uid: 'poison-flapped' })
      expect(flapped?.totalMs).toBeNull()
      const forged = await startupByUid(q)({ cluster: CLUSTER, uid: 'poison-forged' })
      expect(forged?.pulls[0]?.pullMs).toBeNull()
      expect(forged?.phases.pull).toBeNull()
      expect(forged?.phases.scheduling).not.toBeNull()
      const rows = await q.query(
        'test.rejected',
        `SELECT record_key, reason, target, source FROM rejected_records WHERE cluster = {c:String} ORDER BY record_key`,
        { c: CLUSTER },
        rejectedRow,
      )
      expect(rows.map((r) => r.record_key)).toEqual([
        'shop/year-1899 (uid poison-year-1899)',
        'shop/year-2400 (uid poison-year-2400)',
        'shop/year-9999 (uid poison-year-9999)',
      ])
      for (const r of rows) {
        expect(r.target).toBe('pod_startups')
        expect(r.source).toBe('import')
        expect(r.reason).toMatch(/outside the storable range/)
      }
    })
    // The store is not poisoned: a clean import afterwards succeeds, rollups included.
    const clean = path.join(dir, 'clean.json')
    writeFileSync(
      clean,
      listDump([
        podWithEvents({
          name: 'after-1',
          uid: 'after-1',
          createdMs: now - 3_600_000,
          readyMs: now - 3_590_000,
        }),
      ]),
    )
    const again = await runPodstart(['import', clean, '--data', data, '--cluster', CLUSTER], {
      timeoutMs: 120_000,
    })
    expect(again.code, again.stderr).toBe(0)
    await withStore(async (q) => expect(await countStartups(q)({ cluster: CLUSTER })).toBe(33))
  }, 300_000)

  it('a truncated copy of a dump, imported over the full one, leaves the richer stored records as they were', async () => {
    const pods = [...Array(6).keys()].map((i) =>
      podWithEvents({
        name: `multi-${i}`,
        uid: `multi-${i}`,
        createdMs: now - 2 * 3_600_000 + i * 1_000,
        readyMs: now - 2 * 3_600_000 + i * 1_000 + 9_000,
        containers: 3,
        image: `registry.example/shop/multi-${i}:1`,
      }),
    )
    const full = path.join(dir, 'full.json')
    writeFileSync(full, listDump(pods))
    const first = await runPodstart(['import', full, '--data', data, '--cluster', 'trunc', '--json'], {
      timeoutMs: 120_000,
    })
    expect(first.code, first.stderr).toBe(0)
    const pullsOf = () =>
      withStore(async (q) => {
        const out: number[] = []
        for (const p of pods) {
          const s = await startupByUid(q)({ cluster: 'trunc', uid: (p.pod.metadata as { uid: string }).uid })
          out.push(s?.pulls.length ?? -1)
        }
        return out
      })
    const before = await pullsOf()
    expect(before).toEqual([3, 3, 3, 3, 3, 3])
    // The truncated copy lost the last container's Pulling/Pulled events of every pod.
    const truncated = pods.map(({ pod, events }) => ({
      pod,
      events: events.filter((e) => !(JSON.stringify(e).includes('c2}') && /Pull/.test(String(e.reason)))),
    }))
    const cut = path.join(dir, 'truncated.json')
    writeFileSync(cut, listDump(truncated))
    const second = await runPodstart(['import', cut, '--data', data, '--cluster', 'trunc', '--json'], {
      timeoutMs: 120_000,
    })
    expect(second.code, second.stderr).toBe(0)
    const s2 = JSON.parse(second.stdout.trim().split('\n').at(-1) ?? '{}') as { keptStored: number }
    expect(s2.keptStored).toBe(6)
    expect(await pullsOf()).toEqual(before)
  }, 300_000)

  it('PODSTART_MAX_LINE_BYTES caps a line: the huge one is skipped and named, the pods around it stored', async () => {
    const pods = [0, 1, 2].map((i) =>
      podWithEvents({
        name: `cap-${i}`,
        uid: `cap-${i}`,
        createdMs: now - 3_600_000 + i,
        readyMs: now - 3_590_000 + i,
      }),
    )
    const huge = structuredClone(pods[1]?.pod) as { metadata: Record<string, unknown> }
    huge.metadata.annotations = { blob: 'x'.repeat(200_000) }
    const observedAt = new Date(now - 3_500_000).toISOString()
    const line = (object: unknown) => JSON.stringify({ type: 'ADDED', object, observedAt })
    const lines = [...pods.flatMap((p, i) => [i === 1 ? line(huge) : line(p.pod), ...p.events.map(line)])]
    const file = path.join(dir, 'capped.ndjson')
    writeFileSync(file, `${lines.join('\n')}\n`)
    const run = await runPodstart(['import', file, '--data', data, '--cluster', 'capped', '--json'], {
      env: { PODSTART_MAX_LINE_BYTES: '65536' },
      timeoutMs: 120_000,
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/line \d+ is .* over the .*line cap: skipped/)
    await withStore(async (q) => {
      expect((await startupByUid(q)({ cluster: 'capped', uid: 'cap-0' }))?.outcome).toBe('ready')
      expect((await startupByUid(q)({ cluster: 'capped', uid: 'cap-2' }))?.outcome).toBe('ready')
    })
    const bad = await runPodstart(['import', file, '--data', data], {
      env: { PODSTART_MAX_LINE_BYTES: '12' },
    })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('PODSTART_MAX_LINE_BYTES')
  }, 300_000)
})
