// Server-only data of the reports and alerts pages: the weekly regression report for a window (same model as
// `podstart report`) and the stored alert history.
import 'server-only'
import { evaluateAdvice } from '@podstart/schema/advice'
import {
  type AlertEpisode,
  listAlerts,
  reportPullSamples,
  reportStartupSamples,
} from '@podstart/schema/queries'
import { type AdviceLink, buildReport, type Report } from '@podstart/schema/report'
import { dashboardQuerier } from './store.ts'

const WEEK_MS = 7 * 86_400_000

export type Loaded<T> = { ok: true; value: T } | { ok: false; error: string }

export async function loadWeeklyReport(opts: { toMs: number; cluster?: string }): Promise<Loaded<Report>> {
  try {
    const q = await dashboardQuerier()
    const scope = opts.cluster ? { cluster: opts.cluster } : {}
    const window = async (fromMs: number, toMs: number) => {
      const p = { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), ...scope }
      return {
        from: p.from,
        to: p.to,
        startups: await reportStartupSamples(q)(p),
        pulls: await reportPullSamples(q)(p),
      }
    }
    const current = await window(opts.toMs - WEEK_MS, opts.toMs)
    const previous = await window(opts.toMs - 2 * WEEK_MS, opts.toMs - WEEK_MS)
    // Advice is a link, not a prerequisite: the report stands without it.
    const advice: AdviceLink[] = await evaluateAdvice(q, {
      from: current.from,
      to: current.to,
      ...scope,
    }).catch(() => [])
    return {
      ok: true,
      value: buildReport({ ...scope, current, previous, advice, generatedAt: new Date().toISOString() }),
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
