// URL state shared by every page: time range and the cluster/namespace/workload filters, so a view can be shared.
import { resolveWindow, type TimeWindow } from './time-range.ts'

export type RawSearchParams = Record<string, string | string[] | undefined>

export interface DashboardQuery {
  window: TimeWindow
  cluster?: string
  namespace?: string
  workload?: string
}

const first = (v: string | string[] | undefined): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v
  return s && s.trim() !== '' ? s.trim() : undefined
}

export function parseDashboardQuery(sp: RawSearchParams, nowMs: number): DashboardQuery {
  const q: DashboardQuery = {
    window: resolveWindow({ range: first(sp.range), from: first(sp.from), to: first(sp.to) }, nowMs),
  }
  const cluster = first(sp.cluster)
  const namespace = first(sp.namespace)
  const workload = first(sp.workload)
  if (cluster) q.cluster = cluster
  if (namespace) q.namespace = namespace
  if (workload) q.workload = workload
  return q
}

/** The query string that reproduces a view (explicit from/to only when no named range), with overrides. */
export function queryString(q: DashboardQuery, over: Partial<Record<string, string | null>> = {}): string {
  const params = new URLSearchParams()
  if (q.window.range) params.set('range', q.window.range)
  else {
    params.set('from', q.window.from)
    params.set('to', q.window.to)
  }
  if (q.cluster) params.set('cluster', q.cluster)
  if (q.namespace) params.set('namespace', q.namespace)
  if (q.workload) params.set('workload', q.workload)
  for (const [k, v] of Object.entries(over)) {
    if (v === null || v === undefined) params.delete(k)
    else params.set(k, v)
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

/** Keeps only the time part of the URL state (for links into a drill-down that sets its own scope). */
export function timeOnly(q: DashboardQuery): DashboardQuery {
  return { window: q.window }
}
