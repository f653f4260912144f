// Median server render time of each dashboard page over a store of N synthetic startups (default 1M), served the
// way users run it (`podstart up`). Usage: tsx bench/dashboard-render.ts [--startups N] [--runs R]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startupAggregates } from '@podstart/schema/queries'
import { refreshRollups } from '@podstart/schema/rollups'
import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { z } from 'zod'
import { freePort, repoRoot, startPodstart, waitFor } from '../support/process.ts'

const { values } = parseArgs({
  options: { startups: { type: 'string' }, runs: { type: 'string' }, keep: { type: 'string' } },
})
const N = Number(values.startups ?? 1_000_000)
const RUNS = Number(values.runs ?? 7)
const DAYS = 30
// --keep DIR: fill DIR once and leave it (to look at the pages by hand); reused when it already holds a store.
const dir = values.keep ?? mkdtempSync(path.join(os.tmpdir(), 'podstart-bench-'))
const dataDir = path.join(dir, 'store')
const ch = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')

interface Sample {
  uid: string
  image: string
  cluster: string
}

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function random(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function fill(): Promise<Sample> {
  const store = await openStore({ dataDir, database: 'podstart' })
  const q = createQuerier(store)
  await migrate(store)
  const rnd = random(42)
  const end = Date.now() - 2 * 3_600_000
  const start = end - DAYS * 86_400_000
  const t0 = Date.now()
  const BATCH = 50_000
  let sample = { uid: '', image: '', cluster: '' }
  for (let i = 0; i < N; i += BATCH) {
    const startups: object[] = []
    const pulls: object[] = []
    for (let j = i; j < Math.min(N, i + BATCH); j++) {
      const cluster = `c${j % 3}`
      const ns = `ns${Math.floor(rnd() * 12)}`
      const w = `w${Math.floor(rnd() * 40)}`
      const node = `node-${Math.floor(rnd() * 300)}`
      const created = start + Math.floor((j / N) * (end - start))
      const cold = rnd() < 0.3
      const pull = cold ? Math.floor(500 + rnd() * 20_000) : 0
      const ph = {
        scheduling_ms: Math.floor(rnd() * 300),
        sandbox_ms: Math.floor(300 + rnd() * 1500),
        init_ms: Math.floor(rnd() * 2000),
        pull_wait_ms: cold ? Math.floor(rnd() * 3000) : 0,
        pull_ms: pull,
        download_ms: Math.floor(pull * 0.4),
        decompress_ms: pull - Math.floor(pull * 0.4),
        start_ms: Math.floor(100 + rnd() * 900),
        ready_ms: Math.floor(rnd() * 8000),
      }
      const total =
        ph.scheduling_ms +
        ph.sandbox_ms +
        ph.init_ms +
        ph.pull_wait_ms +
        ph.pull_ms +
        ph.start_ms +
        ph.ready_ms
      const uid = `00000000-0000-4000-8000-${j.toString(16).padStart(12, '0')}`
      const image = `registry.local/${ns}/${w}:1.${Math.floor(rnd() * 5)}`
      if (j === Math.floor(N / 2)) sample = { uid, image, cluster }
      startups.push({
        cluster,
        namespace: ns,
        pod: `${w}-${j.toString(36)}`,
        uid,
        node,
        workload_kind: 'Deployment',
        workload_name: w,
        created_at: ch(created),
        ready_at: ch(created + total),
        outcome: 'ready',
        total_ms: total,
        ...ph,
        slo_ms: total - ph.pull_ms - ph.pull_wait_ms - ph.init_ms,
        cold,
        pulls: 1,
        images: [image],
        containers_json: '[]',
        record_version: 1,
        version: 1,
      })
      pulls.push({
        cluster,
        namespace: ns,
        pod: `${w}-${j.toString(36)}`,
        uid,
        node,
        workload_kind: 'Deployment',
        workload_name: w,
        pod_created_at: ch(created),
        pull_index: 0,
        container: 'app',
        init: false,
        image,
        started_at: ch(created + ph.scheduling_ms + ph.sandbox_ms + ph.init_ms + ph.pull_wait_ms),
        pull_ms: pull,
        wait_ms: ph.pull_wait_ms,
        size_bytes: cold ? Math.floor(5e7 + rnd() * 1e9) : null,
        cached: !cold,
        attempts: 1,
        outcome: rnd() < 0.01 ? 'failed' : 'ok',
        download_ms: ph.download_ms,
        decompress_ms: ph.decompress_ms,
        split_method: cold ? 'size-model' : null,
        version: 1,
      })
    }
    await q.insert('image_pulls', pulls)
    await q.insert('pod_startups', startups)
  }
  const inserted = Date.now() - t0
  const t1 = Date.now()
  while ((await refreshRollups(q, { limit: 2000 })).more) {}
  const rolled = Date.now() - t1
  // Same question both ways, for the record: the rollup path against the raw FINAL rows.
  const window = { from: new Date(end - 7 * 86_400_000).toISOString(), to: new Date(end).toISOString() }
  const timeIt = async (source: 'auto' | 'raw') => {
    const times: number[] = []
    for (let r = 0; r < 5; r++) {
      const s = Date.now()
      await startupAggregates(q)({ ...window, groupBy: ['time'], stepSeconds: 3 * 3600, source })
      times.push(Date.now() - s)
    }
    return median(times)
  }
  const auto = await timeIt('auto')
  const raw = await timeIt('raw')
  if (process.env.BENCH_PROFILE) {
    const { pullFailures, slowestStartups } = await import('@podstart/schema/queries')
    const { evaluateAdvice } = await import('@podstart/schema/advice')
    const w = { ...window, filters: {} }
    const probes: [string, () => Promise<unknown>][] = [
      ['series summary', () => startupAggregates(q)({ ...w, groupBy: ['time'], stepSeconds: 10800 })],
      [
        'series raw',
        () => startupAggregates(q)({ ...w, groupBy: ['time'], stepSeconds: 10800, source: 'raw' }),
      ],
      ['whole full', () => startupAggregates(q)({ ...w, detail: 'full' })],
      ['by workload', () => startupAggregates(q)({ ...w, groupBy: ['namespace', 'workload'], limit: 15 })],
      [
        'options counts',
        () => startupAggregates(q)({ ...w, groupBy: ['workload'], detail: 'counts', limit: 200 }),
      ],
      ['pull failures', () => pullFailures(q)({ ...w, stepSeconds: 10800 })],
      ['slowest', () => slowestStartups(q)({ ...w, limit: 10 })],
      ['advice', () => evaluateAdvice(q, window)],
    ]
    for (const [name, run] of probes) {
      const times: number[] = []
      for (let r = 0; r < 3; r++) {
        const s = Date.now()
        await run()
        times.push(Date.now() - s)
      }
      console.log(`  ${name}: ${median(times)} ms`)
    }
  }
  console.log(`filled ${N} startups in ${inserted} ms, rollups built in ${rolled} ms`)
  console.log(`7-day series query: rollup path ${auto} ms, raw FINAL ${raw} ms (median of 5)`)
  await store.close()
  return sample
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

const sample = values.keep && existsSync(path.join(dataDir, 'metadata')) ? await sampleOf() : await fill()

/** A stored startup and image of a kept store (the page URLs need one). */
async function sampleOf(): Promise<Sample> {
  const store = await openStore({ dataDir, database: 'podstart' })
  const rows = await createQuerier(store).query(
    'bench.sample',
    'SELECT uid, images[1] AS image, cluster FROM pod_startups ORDER BY uid LIMIT 1',
    {},
    z.object({ uid: z.string(), image: z.string(), cluster: z.string() }),
  )
  await store.close()
  return rows[0] as Sample
}
const port = await freePort()
const up = startPodstart(['up', '--port', String(port), '--data', dataDir, '--no-collector'])
const base = `http://127.0.0.1:${port}`
try {
  await waitFor(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), 120_000, 'readyz')
  const pages: [string, string][] = [
    ['overview', '/'],
    ['overview 24h', '/?range=24h'],
    ['cluster', '/clusters/c1'],
    ['namespace', '/namespaces/ns3'],
    ['workload', '/workloads/ns3/Deployment/w7'],
    ['node', '/nodes/node-17'],
    ['images', '/images'],
    ['image', `/images/${encodeURIComponent(sample.image)}`],
    ['pod', `/pods/${sample.cluster}/${sample.uid}`],
    ['advice', '/advice'],
  ]
  const results: { page: string; status: number; medianFirstByteMs: number; medianFullMs: number }[] = []
  for (const [name, url] of pages) {
    const first: number[] = []
    const full: number[] = []
    let status = 0
    for (let r = 0; r < RUNS + 1; r++) {
      const s = performance.now()
      const res = await fetch(`${base}${url}`)
      const headers = performance.now()
      await res.text()
      status = res.status
      // The first request of each page warms its code path; it is not counted.
      if (r > 0) {
        first.push(headers - s)
        full.push(performance.now() - s)
      }
    }
    results.push({
      page: name,
      status,
      medianFirstByteMs: Math.round(median(first)),
      medianFullMs: Math.round(median(full)),
    })
  }
  console.table(results)
  if (results.some((r) => r.status !== 200)) console.log(up.output().slice(-3000))
  const out = path.join(repoRoot, 'test/test-results')
  mkdirSync(out, { recursive: true })
  writeFileSync(
    path.join(out, 'bench-dashboard.json'),
    `${JSON.stringify({ startups: N, runs: RUNS, results }, null, 2)}\n`,
  )
} finally {
  await up.stop()
  if (!values.keep) rmSync(dir, { recursive: true, force: true })
}
