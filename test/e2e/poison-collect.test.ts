// The live collector on objects no simulator writes, served by a small list/watch server: a pod created 60 days
// before its Ready flapped an hour ago (a 60-day "total"), a forged Pulled event `in 99999999h`, pods created in
// 1899, 2400 and 9999, next to 30 good pods. Before, one such record blocked every later write forever. Now the
// good pods are stored, the odd values nulled and counted, the impossible ones set aside with their reason, and
// the writer's queue drains.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Collector } from '@podstart/collector/collect'
import { KubeAccess } from '@podstart/collector/kube'
import { kubeconfigYaml } from '@podstart/collector/sim'
import { countStartups, startupByUid } from '@podstart/schema/queries'
import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { spawnClickHouseHttp } from '../support/clickhouse-http.ts'
import { startFakeApiServer } from '../support/fake-apiserver.ts'
import { podWithEvents, poisonSet } from '../support/poison-dump.ts'
import { freePort, runPodstart, startPodstart, waitFor } from '../support/process.ts'

const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-poison-collect-'))
const cleanups: Array<() => Promise<unknown>> = []
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
  rmSync(dir, { recursive: true, force: true })
})

describe('collector on poison records', () => {
  it('stores the 30 good startups, nulls the 60-day total and the forged pull, sets aside the impossible ones', async () => {
    const set = poisonSet(Date.now(), 30)
    const parts = [...set.good, set.clamped.flapped, set.clamped.forged, ...set.rejected]
    const api = await startFakeApiServer(parts.flatMap((p) => [p.pod, ...p.events]))
    cleanups.push(() => api.close())
    const store = await openStore({ dataDir: path.join(dir, 'store'), database: 'podstart' })
    cleanups.push(() => store.close())
    await migrate(store, { log: () => undefined })
    const q = createQuerier(store)
    const logs: string[] = []
    const collector = new Collector({
      cluster: 'poison-live',
      access: KubeAccess.fromString(kubeconfigYaml(api.url, 'poison-live')),
      querier: q,
      graceMs: 500,
      settleMs: 200,
      flushIntervalMs: 100,
      rollupRefreshMs: 0,
      log: (line) => logs.push(line),
    })
    collector.start()
    cleanups.push(() => collector.stop(5_000))
    const stored = await waitFor(
      async () => {
        const n = await countStartups(q)({ cluster: 'poison-live' })
        return n >= 32 ? n : undefined
      },
      60_000,
      'the good and the clamped startups',
    )
    expect(stored).toBe(32)
    for (const g of set.good) {
      const uid = (g.pod.metadata as { uid: string }).uid
      expect((await startupByUid(q)({ cluster: 'poison-live', uid }))?.outcome, uid).toBe('ready')
    }
    expect((await startupByUid(q)({ cluster: 'poison-live', uid: 'poison-flapped' }))?.totalMs).toBeNull()
    const forged = await startupByUid(q)({ cluster: 'poison-live', uid: 'poison-forged' })
    expect(forged?.pulls.every((p) => p.pullMs === null || p.pullMs < 86_400_000)).toBe(true)
    await collector.flush(10_000)
    const stats = collector.stats()
    expect(stats.records.rejected).toEqual({ 'pod_startups:created-out-of-range': 3 })
    expect(stats.records.corrected['duration-over-ceiling']).toBeGreaterThanOrEqual(2)
    expect(stats.bufferDepth).toBe(0)
    expect(stats.storeFailing).toBe(false)
    const rejected = await q.query(
      'test.rejected',
      `SELECT record_key, reason, raw FROM rejected_records WHERE cluster = {c:String} ORDER BY record_key`,
      { c: 'poison-live' },
      z.object({ record_key: z.string(), reason: z.string(), raw: z.string() }),
    )
    expect(rejected.map((r) => r.record_key)).toEqual([
      'shop/year-1899 (uid poison-year-1899)',
      'shop/year-2400 (uid poison-year-2400)',
      'shop/year-9999 (uid poison-year-9999)',
    ])
    for (const r of rejected) expect(JSON.parse(r.raw).uid).toMatch(/^poison-year-/)
    expect(logs.some((l) => l.includes('poison-year-2400') && l.includes('outside the storable range'))).toBe(
      true,
    )
    // Nothing stalled: a stop right away leaves nothing behind.
    const left = await collector.stop(5_000)
    expect(left).toEqual({ unwritten: 0, byTable: {} })
  }, 120_000)

  it('as a process (`podstart collect`, server mode): the same counts on /metrics, and SIGTERM leaves nothing', async () => {
    const USER = 'podstart'
    const PASSWORD = 'pw-poison-collect-Qx7'
    const shim = await spawnClickHouseHttp({
      user: USER,
      password: PASSWORD,
      dataDir: path.join(dir, 'server'),
    })
    cleanups.push(() => shim.close())
    const env = { CLICKHOUSE_URL: shim.url, CLICKHOUSE_USER: USER, CLICKHOUSE_PASSWORD: PASSWORD }
    const migrated = await runPodstart(['migrate'], { env })
    expect(migrated.code, migrated.stderr).toBe(0)
    const set = poisonSet(Date.now(), 30)
    const parts = [...set.good, set.clamped.flapped, set.clamped.forged, ...set.rejected]
    const api = await startFakeApiServer(parts.flatMap((p) => [p.pod, ...p.events]))
    cleanups.push(() => api.close())
    const kubeconfig = path.join(dir, 'poison.kubeconfig')
    writeFileSync(kubeconfig, kubeconfigYaml(api.url, 'poison-proc'))
    const port = await freePort()
    const proc = startPodstart(
      ['collect', '--cluster', 'poison-proc', '--kubeconfig', kubeconfig, '--metrics-port', String(port)],
      { env },
    )
    cleanups.push(() => proc.stop('SIGKILL'))
    const counter = (text: string, name: string, labels: RegExp) =>
      [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))]
        .filter((m) => labels.test(m[1] ?? ''))
        .reduce((n, m) => n + Number(m[2]), 0)
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
        const written = counter(text, 'podstart_startups_written_total', /./)
        return written >= 32 ? text : undefined
      },
      90_000,
      '32 startups written',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${proc.output().slice(-3000)}`)
    })
    expect(counter(metrics, 'podstart_startups_written_total', /./)).toBe(32)
    expect(
      counter(
        metrics,
        'podstart_records_rejected_total',
        /reason="created-out-of-range".*table="pod_startups"|table="pod_startups".*reason="created-out-of-range"/,
      ),
    ).toBe(3)
    expect(
      counter(metrics, 'podstart_record_values_corrected_total', /duration-over-ceiling/),
    ).toBeGreaterThanOrEqual(2)
    expect(proc.output()).toContain('poison-year-9999')
    expect(proc.output()).not.toContain(PASSWORD)
    const t0 = Date.now()
    const code = await proc.stop('SIGTERM')
    expect(code, proc.output().slice(-2000)).toBe(0)
    console.log(`poison collect: exit ${code} ${Date.now() - t0} ms after SIGTERM`)
  }, 180_000)

  it('as a process: events watches refused with 400 relist, a 6 MiB pods watch line is skipped, a 50-container pod keeps every pull', async () => {
    const USER = 'podstart'
    const PASSWORD = 'pw-poison-watch-Zr4'
    const shim = await spawnClickHouseHttp({
      user: USER,
      password: PASSWORD,
      dataDir: path.join(dir, 'server-watch'),
    })
    cleanups.push(() => shim.close())
    const env = { CLICKHOUSE_URL: shim.url, CLICKHOUSE_USER: USER, CLICKHOUSE_PASSWORD: PASSWORD }
    expect((await runPodstart(['migrate'], { env })).code).toBe(0)
    const now = Date.now()
    const wide = podWithEvents({
      name: 'wide',
      uid: 'wide-50',
      createdMs: now - 600_000,
      readyMs: now - 590_000,
      containers: 50,
      image: 'registry.example/shop/wide:1',
    })
    const small = podWithEvents({
      name: 'after-huge',
      uid: 'after-huge',
      createdMs: now - 500_000,
      readyMs: now - 495_000,
    })
    const hugeLine = JSON.stringify({
      type: 'ADDED',
      object: {
        ...small.pod,
        metadata: { ...(small.pod.metadata as object), annotations: { blob: 'x'.repeat(6 << 20) } },
      },
    })
    const api = await startFakeApiServer([wide.pod, ...wide.events, ...small.events], {
      refuseWatch: ['Event'],
      watchLines: { Pod: [hugeLine, JSON.stringify({ type: 'ADDED', object: small.pod })] },
    })
    cleanups.push(() => api.close())
    const kubeconfig = path.join(dir, 'watch.kubeconfig')
    writeFileSync(kubeconfig, kubeconfigYaml(api.url, 'poison-watch'))
    const port = await freePort()
    const proc = startPodstart(
      ['collect', '--cluster', 'poison-watch', '--kubeconfig', kubeconfig, '--metrics-port', String(port)],
      { env },
    )
    cleanups.push(() => proc.stop('SIGKILL'))
    const metric = (text: string, name: string, labels: RegExp) =>
      [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))]
        .filter((m) => labels.test(m[1] ?? ''))
        .reduce((n, m) => n + Number(m[2]), 0)
    const text = await waitFor(
      async () => {
        const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
        const relists = metric(t, 'podstart_watch_restarts_total', /reason="relist"/)
        const written = metric(t, 'podstart_startups_written_total', /./)
        return relists >= 1 && written >= 2 ? t : undefined
      },
      120_000,
      'a relist of the refused events watch and both startups written',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${proc.output().slice(-3000)}`)
    })
    expect(
      metric(
        text,
        'podstart_watch_restarts_total',
        /resource="events".*reason="relist"|reason="relist".*resource="events"/,
      ),
    ).toBeGreaterThanOrEqual(1)
    expect(metric(text, 'podstart_parse_rejects_total', /line-too-long/)).toBe(1)
    // The relist itself: a second LIST of events follows the bounded failed resumes.
    await waitFor(
      async () => ((api.requests.Event?.list ?? 0) >= 2 ? true : undefined),
      60_000,
      'a second LIST of events',
    )
    const res = await fetch(`${shim.url}/?database=podstart`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${USER}:${PASSWORD}`)}` },
      body: "SELECT uid, max(pulls) FROM pod_startups WHERE cluster = 'poison-watch' GROUP BY uid ORDER BY uid FORMAT TSV",
    })
    expect((await res.text()).trim().split('\n')).toEqual(['after-huge\t1', 'wide-50\t50'])
    expect(await proc.stop('SIGTERM')).toBe(0)
  }, 240_000)
})
