// The served dashboard under an on-call team: a store bulk-filled with a week of startups (1M; small: 20k),
// `podstart up --no-collector` serving it, and every page requested by 1, 8 and 16 concurrent clients from this
// process (the server is its own process). Figures: each page's full-response p95 per client count, and the
// requests that failed or timed out.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { refreshRollups } from '@podstart/schema/rollups'
import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { z } from 'zod'
import { freePort, startPodstart, waitFor } from '../../support/process.ts'
import { type Figure, figure, quantileOf, round, type ScenarioResult } from '../result.ts'
import { fillSyntheticStore } from '../synthetic-store.ts'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
/** A request slower than this counts as timed out (and failed). */
const REQUEST_TIMEOUT_MS = 30_000

/** Goals of issue "Dashboard for an incident": full server response p95 per client count. */
const GOAL_P95_MS: Record<number, number | undefined> = { 1: 300, 8: 1000 }

interface PageTimes {
  times: number[]
  failed: number
  statuses: number[]
}

async function timedGet(url: string): Promise<{ ms: number; status: number }> {
  const t = performance.now()
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
    await res.text()
    return { ms: performance.now() - t, status: res.status }
  } catch {
    return { ms: performance.now() - t, status: 0 }
  }
}

/** `clients` loops requesting the page `each` times; every response timed from request to its last byte. */
async function drive(url: string, clients: number, each: number): Promise<PageTimes> {
  const out: PageTimes = { times: [], failed: 0, statuses: [] }
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < each; i++) {
        const r = await timedGet(url)
        out.times.push(r.ms)
        out.statuses.push(r.status)
        if (r.status !== 200) out.failed++
      }
    }),
  )
  return out
}

export async function runPages(small: boolean): Promise<ScenarioResult> {
  const started = Date.now()
  const startups = small ? 20_000 : 1_000_000
  const notes: string[] = []
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-bench-pages-'))
  const dataDir = path.join(dir, 'store')
  const toMs = Date.now() - (Date.now() % HOUR_MS)
  const fromMs = toMs - 7 * DAY_MS
  let sample = { uid: '', image: '' }
  try {
    const store = await openStore({ dataDir, database: 'podstart' })
    try {
      await migrate(store, { log: () => undefined })
      const q = createQuerier(store)
      let t = performance.now()
      await fillSyntheticStore(q, { startups, fromMs, toMs: toMs - 1, cluster: 'bench' })
      const fillS = (performance.now() - t) / 1000
      t = performance.now()
      for (let pass = 0; pass < 20; pass++) if (!(await refreshRollups(q, { limit: 200 })).more) break
      notes.push(
        `${startups.toLocaleString('en')} startups over 7 days, one pull row each; filled in ${round(fillS)} s, rollups built in ${round((performance.now() - t) / 1000)} s`,
      )
      const rows = await q.query(
        'bench.pages.sample',
        "SELECT uid, images[1] AS image FROM pod_startups WHERE namespace = 'ns-7' ORDER BY uid LIMIT 1",
        {},
        z.object({ uid: z.string(), image: z.string() }),
      )
      sample = rows[0] ?? sample
    } finally {
      await store.close()
    }
    const port = await freePort()
    const up = startPodstart(['up', '--port', String(port), '--data', dataDir, '--no-collector'])
    // The runner stops this process when it overruns: take the server along rather than leave it serving.
    const leave = () => {
      up.child.kill('SIGKILL')
      process.exit(1)
    }
    process.once('SIGTERM', leave)
    const base = `http://127.0.0.1:${port}`
    try {
      await waitFor(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), 180_000, 'readyz')
      const e = encodeURIComponent
      const pages: [string, string][] = [
        ['overview', '/'],
        ['overview 24h', '/?range=24h'],
        ['overview filtered', '/?namespace=ns-7'],
        ['cluster', '/clusters/bench'],
        ['namespace', '/namespaces/ns-7'],
        ['workload', '/workloads/ns-7/Deployment/app-7-3'],
        ['node', '/nodes/node-7'],
        ['images', '/images'],
        ['image', `/images/${e(sample.image)}`],
        ['pod', `/pods/bench/${e(sample.uid)}`],
        ['advice', '/advice'],
        ['reports', '/reports'],
        ['alerts', '/alerts'],
      ]
      // Each page once first: compiles its code path and lets the advice cache fill (not counted).
      const warm: Record<string, number> = {}
      for (const [name, url] of pages) warm[name] = round((await timedGet(`${base}${url}`)).ms, 0) as number
      process.stderr.write(`pages: warm-up ${JSON.stringify(warm)}\n`)
      const figures: Figure[] = []
      const levels = [1, 8, 16]
      let failedAll = 0
      let requestsAll = 0
      const statusOf: Record<string, number[]> = {}
      for (const clients of levels) {
        // One client: 8 loads of each page; 8 and 16 clients: each loads the page once at the same moment (a team
        // opening the link from the incident channel).
        const each = clients === 1 ? (small ? 4 : 8) : 1
        for (const [name, url] of pages) {
          const r = await drive(`${base}${url}`, clients, each)
          process.stderr.write(
            `pages: ${name} x${clients}: p95 ${round(quantileOf(r.times, 0.95), 0)} ms, ${r.failed} failed\n`,
          )
          failedAll += r.failed
          requestsAll += r.times.length
          statusOf[`${name} x${clients}`] = [...new Set(r.statuses)]
          const goal = GOAL_P95_MS[clients]
          figures.push(
            figure(
              `${name} p95, ${clients} client${clients > 1 ? 's' : ''}`,
              round(quantileOf(r.times, 0.95), 0),
              'ms',
              goal === undefined ? undefined : { op: '<=', value: goal },
            ),
          )
        }
      }
      figures.push(figure('requests failed or timed out', failedAll, 'count', { op: '==', value: 0 }))
      notes.push(
        `${requestsAll} timed requests after one warm-up per page; p95 of full responses (headers and body) per page; ` +
          `clients loop in this process, the dashboard is a separate podstart up process; timeout ${REQUEST_TIMEOUT_MS / 1000} s`,
      )
      const bad = Object.entries(statusOf).filter(([, s]) => s.some((c) => c !== 200))
      if (bad.length) notes.push(`non-200: ${bad.map(([k, s]) => `${k} ${s.join('/')}`).join('; ')}`)
      return {
        scenario: 'pages',
        size: small ? 'small' : 'full',
        ok: true,
        durationMs: Date.now() - started,
        figures,
        baseline: { what: 'first (warm-up) request of each page, ms', warm, startups },
        notes,
      }
    } finally {
      // A server busy with queued requests may take long to drain; the measurement is over, so do not wait.
      const stopped = await Promise.race([up.stop(), new Promise((r) => setTimeout(() => r('late'), 20_000))])
      if (stopped === 'late') await up.stop('SIGKILL')
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
