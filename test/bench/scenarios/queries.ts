// Queries at scale: a store bulk-filled with a week of startups, then every dashboard page's queries, the advice
// evaluation and the weekly report, timed over repeated runs; startup aggregates also straight from the raw
// table (no rollup) for comparison.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { produceReport } from '@podstart/collector/alerts'
import { evaluateAdvice } from '@podstart/schema/advice'
import {
  concurrentPulls,
  dashboardSnapshot,
  imagePullStats,
  nodeCacheHits,
  pullFailures,
  type StartupAggregatesParams,
  slowestStartups,
  startupAggregates,
} from '@podstart/schema/queries'
import { refreshRollups } from '@podstart/schema/rollups'
import { createQuerier, migrate, openStore, type Querier } from '@podstart/schema/store'
import { type Figure, figure, quantileOf, round, type ScenarioResult } from '../result.ts'
import { fillSyntheticStore } from '../synthetic-store.ts'

/** Resets the process's peak RSS (VmHWM) to its current RSS (Linux); false where that is not possible. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

/** Peak RSS since the last reset, in MiB (VmHWM of /proc/self/status). */
function peakRssMiB(): number | null {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
  return kb === undefined ? null : Math.round(Number(kb) / 1024)
}

const HOUR_MS = 3_600_000
const WEEK_MS = 7 * 86_400_000
const DAY_MS = 86_400_000

async function timeRuns(
  runs: number,
  fn: () => Promise<unknown>,
): Promise<{ p50: number; p95: number; runs: number }> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    times.push(performance.now() - t)
  }
  return { p50: quantileOf(times, 0.5) as number, p95: quantileOf(times, 0.95) as number, runs }
}

/** Every dashboard query the pages run, by name (auto: rollups; raw: the raw tables only). */
export function dashboardQueries(q: Querier, from: string, to: string) {
  const base = { from, to, filters: {} }
  const workload = { from, to, filters: { namespace: 'ns-7', workload: 'app-7-3' } }
  const agg = (p: StartupAggregatesParams) => ({
    auto: () => startupAggregates(q)(p),
    raw: () => startupAggregates(q)({ ...p, source: 'raw' }),
  })
  const pulls = (fn: (source: 'auto' | 'raw') => Promise<unknown>) => ({
    auto: () => fn('auto'),
    raw: () => fn('raw'),
  })
  return {
    aggregates: {
      'overview: series (hourly)': agg({ ...base, groupBy: ['time'], stepSeconds: 3600 }),
      'overview: summary': agg(base),
      'overview: summary with phase percentiles': agg({ ...base, detail: 'full' }),
      'overview: cold/warm': agg({ ...base, groupBy: ['startKind'] }),
      'overview: cold/warm series': agg({ ...base, groupBy: ['time', 'startKind'], stepSeconds: 3600 }),
      'overview: SLO per cluster-day': agg({ ...base, groupBy: ['cluster', 'day'] }),
      'namespaces table': agg({ ...base, groupBy: ['namespace'], limit: 15 }),
      'workloads table': agg({ ...base, groupBy: ['namespace', 'workload'], limit: 15 }),
      'nodes table': agg({ ...base, groupBy: ['node'], limit: 15 }),
      // The three filter lists of a page, from one count (web/src/server/dashboard-data.ts loadFilterOptions).
      'filter options: cluster x namespace x workload counts': agg({
        ...base,
        groupBy: ['cluster', 'namespace', 'workload'],
        limit: 10_000,
        detail: 'counts',
      }),
      'workload page: series': agg({ ...workload, groupBy: ['time'], stepSeconds: 3600 }),
      'workload page: summary': agg(workload),
      'workload page: nodes table': agg({ ...workload, groupBy: ['node'], limit: 15 }),
      'node page: workloads table': agg({
        from,
        to,
        filters: { node: 'node-7' },
        groupBy: ['namespace', 'workload'],
        limit: 15,
      }),
      'overview: pull failures': pulls((source) => pullFailures(q)({ ...base, stepSeconds: 3600, source })),
      'images: pull stats': pulls((source) => imagePullStats(q)({ ...base, limit: 50, source })),
      'images: node cache hits': pulls((source) => nodeCacheHits(q)({ ...base, limit: 50, source })),
    } as Record<string, { auto: () => Promise<unknown>; raw: () => Promise<unknown> }>,
    other: {
      // Asked once per page load: the key the dashboard keeps its answers under (docs/dashboard.md).
      'dashboard snapshot': () => dashboardSnapshot(q, { from, to }),
      'overview: slowest startups': () => slowestStartups(q)({ ...base, limit: 10 }),
      'images: concurrent pulls': () => concurrentPulls(q)({ ...base, limit: 20 }),
    } as Record<string, () => Promise<unknown>>,
  }
}

export async function runQueries(small: boolean): Promise<ScenarioResult> {
  const started = Date.now()
  // Small: one day at 14/min, enough to run every query and the report; full: one week at 1,000/min.
  const startups = small ? 20_000 : 10_080_000
  const spanMs = small ? DAY_MS : WEEK_MS
  const runs = small ? 2 : 5
  const notes: string[] = []
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-bench-queries-'))
  const store = await openStore({ dataDir: path.join(dir, 'store'), database: 'podstart' })
  try {
    await migrate(store, { log: () => undefined })
    const q = createQuerier(store)
    // A window ending at the start of this hour, so every bucket is closed and can come from the rollup.
    const toMs = Date.now() - (Date.now() % HOUR_MS)
    const fromMs = toMs - spanMs
    let t = performance.now()
    await fillSyntheticStore(q, { startups, fromMs, toMs: toMs - 1, cluster: 'bench' })
    const fillSeconds = (performance.now() - t) / 1000
    t = performance.now()
    for (let pass = 0; pass < 20; pass++) if (!(await refreshRollups(q, { limit: 200 })).more) break
    const rollupSeconds = (performance.now() - t) / 1000
    notes.push(
      `${startups.toLocaleString('en')} startups over ${spanMs / DAY_MS} days (${round(startups / (spanMs / 60_000), 0)}/min), one pull row each; filled in ${round(fillSeconds)} s, rollups built in ${round(rollupSeconds)} s`,
      `p50/p95 over ${runs} runs after one warm-up, one query at a time (as the dashboard runs them)`,
    )
    const from = new Date(fromMs).toISOString()
    const to = new Date(toMs).toISOString()
    const set = dashboardQueries(q, from, to)
    const figures: Figure[] = []
    const raw: Record<string, { p50: number | null; p95: number | null }> = {}
    for (const [name, fn] of Object.entries(set.aggregates)) {
      const auto = await timeRuns(runs, fn.auto)
      figures.push(figure(`${name} p50`, round(auto.p50, 0), 'ms'))
      figures.push(figure(`${name} p95`, round(auto.p95, 0), 'ms', { op: '<', value: 200 }))
      const r = await timeRuns(2, fn.raw)
      raw[name] = { p50: round(r.p50, 0), p95: round(r.p95, 0) }
    }
    for (const [name, fn] of Object.entries(set.other)) {
      const r = await timeRuns(runs, fn)
      figures.push(figure(`${name} p50`, round(r.p50, 0), 'ms'))
      figures.push(figure(`${name} p95`, round(r.p95, 0), 'ms', { op: '<', value: 200 }))
    }
    // One run at full size (the dashboard caches findings and evaluates them off the page's path). Its peak
    // RSS: the process's high-water mark reset just before (the embedded engine runs in this process).
    const peakReset = resetPeakRss()
    const advice = small ? await timeRuns(2, () => evaluateAdvice(q, { from, to })) : null
    if (!advice) {
      t = performance.now()
      await evaluateAdvice(q, { from, to })
    }
    const adviceMs = advice ? advice.p50 : performance.now() - t
    const advicePeakMiB = peakReset ? peakRssMiB() : null
    figures.push(
      figure(advice ? 'advice evaluation p50' : 'advice evaluation (one run)', round(adviceMs, 0), 'ms', {
        op: '<',
        value: 10_000,
      }),
    )
    if (advice) figures.push(figure('advice evaluation p95', round(advice.p95, 0), 'ms'))
    figures.push(figure('advice evaluation peak RSS', advicePeakMiB, 'MiB', { op: '<', value: 1024 }))
    let reportMs: number | null = null
    let reportError: string | undefined
    try {
      t = performance.now()
      await produceReport(q, { toMs, windowMs: spanMs })
      reportMs = performance.now() - t
    } catch (err) {
      reportError = (err as Error).message
      notes.push(`weekly report failed: ${reportError.slice(0, 300)}`)
    }
    figures.push(
      figure('weekly report', round(reportMs === null ? null : reportMs / 1000, 2), 's', {
        op: '<',
        value: 10,
      }),
    )
    return {
      scenario: 'queries',
      size: small ? 'small' : 'full',
      ok: true,
      durationMs: Date.now() - started,
      figures,
      baseline: {
        what: 'the same startup and pull aggregates read from pod_startups / image_pulls FINAL without rollups (p50/p95 ms over 2 runs)',
        raw,
        startups,
        fillSeconds: round(fillSeconds),
        rollupBuildSeconds: round(rollupSeconds),
      },
      notes,
    }
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
