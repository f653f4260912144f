// Server-only data of the reports and alerts pages: the weekly regression report for a window (same model as
// `podstart report`) and the stored alert history.
import 'server-only'
import { evaluateAdvice } from '@podstart/schema/advice'
import { type AlertEpisode, listAlerts } from '@podstart/schema/queries'
import type { AdviceLink, Report } from '@podstart/schema/report'
import { reportFromStore } from '@podstart/schema/report'
import { dashboardQuerier } from './store.ts'

const WEEK_MS = 7 * 86_400_000

export type Loaded<T> = { ok: true; value: T } | { ok: false; error: string }

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * A report reads two weeks of raw rows and the advice (tens of seconds at 1M startups) and would hold the one
 * embedded engine while every other page waits: reports are kept per cluster and end (`now` is one entry), served
 * at once while younger than REPORT_TTL_MS, served stale with the time they were computed while one background
 * computation replaces them, and concurrent loads share one computation. A weekly report minutes old says the same.
 */
const REPORT_TTL_MS = 5 * 60_000
interface CachedReport {
  at: number
  value?: Loaded<Report>
  pending?: Promise<Loaded<Report>>
}
const REPORTS_KEY = Symbol.for('podstart.dashboard.reports')
const g = globalThis as Record<symbol, Map<string, CachedReport> | undefined>
const reports = g[REPORTS_KEY] ?? new Map<string, CachedReport>()
g[REPORTS_KEY] = reports

export interface CachedWeeklyReport {
  loaded: Loaded<Report>
  /** When the report was computed (ms). */
  computedAt: number
  refreshing: boolean
}

/** The weekly report ending now (`toMs` absent) or at `toMs`, from the report cache (above). */
export async function cachedWeeklyReport(opts: {
  toMs?: number
  cluster?: string
}): Promise<CachedWeeklyReport> {
  const key = JSON.stringify([opts.toMs ?? 'now', opts.cluster ?? ''])
  let entry = reports.get(key)
  if (!entry) {
    entry = { at: 0 }
    reports.set(key, entry)
  }
  const e = entry
  const compute = () => {
    e.pending ??= loadWeeklyReport({ toMs: opts.toMs ?? Date.now(), cluster: opts.cluster })
      .then((v) => {
        // A failed computation is not kept: the next load tries again.
        if (v.ok) {
          e.value = v
          e.at = Date.now()
        }
        return v
      })
      .finally(() => {
        e.pending = undefined
      })
    return e.pending
  }
  if (e.value) {
    const stale = Date.now() - e.at >= REPORT_TTL_MS
    if (stale) compute().catch(() => undefined)
    return { loaded: e.value, computedAt: e.at, refreshing: stale }
  }
  const loaded = await compute()
  return { loaded, computedAt: e.at || Date.now(), refreshing: false }
}

/** The week ending at `toMs` against the week before, computed in the store (bounded memory at any size). */
export async function loadWeeklyReport(opts: { toMs: number; cluster?: string }): Promise<Loaded<Report>> {
  try {
    const q = await dashboardQuerier()
    const scope = opts.cluster ? { cluster: opts.cluster } : {}
    const current = { from: iso(opts.toMs - WEEK_MS), to: iso(opts.toMs) }
    const previous = { from: iso(opts.toMs - 2 * WEEK_MS), to: current.from }
    // Advice is a link, not a prerequisite: the report stands without it.
    const advice: AdviceLink[] = await evaluateAdvice(q, { ...current, ...scope }).catch(() => [])
    return {
      ok: true,
      value: await reportFromStore(q, { ...scope, current, previous, advice, generatedAt: iso(Date.now()) }),
    }
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  }
}

export async function loadAlertHistory(opts: {
  cluster?: string
  state?: 'firing' | 'resolved'
}): Promise<Loaded<AlertEpisode[]>> {
  try {
    const q = await dashboardQuerier()
    return { ok: true, value: await listAlerts(q)({ ...opts, limit: 500 }) }
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  }
}
