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
