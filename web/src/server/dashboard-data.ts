// What each dashboard view reads, through @podstart/schema queries only (rollups where they exist).
import 'server-only'
import {
  concurrentPulls,
  imageProfile,
  imagePullStats,
  nodeCacheHits,
  podEvents,
  pullFailures,
  type StartupAggregate,
  type StartupFilters,
  slowestStartups,
  startupAggregates,
  startupByUid,
  workloadRollouts,
} from '@podstart/schema/queries'
import type { TimeWindow } from '@/lib/time-range.ts'
import { dashboardQuerier } from './store.ts'

export interface ScopeView {
  /** The chart step of the window, seconds. */
  stepSeconds: number
  series: StartupAggregate[]
  summary: StartupAggregate | null
  startKinds: StartupAggregate[]
  startKindSeries: StartupAggregate[]
  sloDays: StartupAggregate[]
  pullFailures: Awaited<ReturnType<ReturnType<typeof pullFailures>>>
  slowest: Awaited<ReturnType<ReturnType<typeof slowestStartups>>>
}

/** The breakdown every scope shows: series, summary, cold/warm, SLO per cluster-day, pull failures, slowest. */
export async function loadScopeView(window: TimeWindow, filters: StartupFilters): Promise<ScopeView> {
  const q = await dashboardQuerier()
  const base = { from: window.from, to: window.to, filters }
  const step = window.stepSeconds
  // Independent questions: a server answers them in parallel (the embedded engine takes them in turn).
  const [series, [summary], startKinds, startKindSeries, sloDays, failures, slowest] = await Promise.all([
    startupAggregates(q)({ ...base, groupBy: ['time'], stepSeconds: step }),
    startupAggregates(q)({ ...base, detail: 'full' }),
    startupAggregates(q)({ ...base, groupBy: ['startKind'] }),
    startupAggregates(q)({ ...base, groupBy: ['time', 'startKind'], stepSeconds: step, detail: 'counts' }),
    startupAggregates(q)({ ...base, groupBy: ['cluster', 'day'] }),
    pullFailures(q)({ ...base, stepSeconds: step }),
    slowestStartups(q)({ ...base, limit: 10 }),
  ])
  return {
    stepSeconds: step,
    series,
    summary: summary ?? null,
    startKinds,
    startKindSeries,
    sloDays,
    pullFailures: failures,
    slowest,
  }
}

export type GroupDimension = 'cluster' | 'namespace' | 'workload' | 'node'

/** Largest groups of a dimension inside a scope (for the tables that lead to drill-downs). */
export async function loadGroups(
  window: TimeWindow,
  filters: StartupFilters,
  dimension: GroupDimension,
  limit = 15,
  detail: 'summary' | 'counts' = 'summary',
): Promise<StartupAggregate[]> {
  const q = await dashboardQuerier()
  // A workload is only named within its namespace.
  const groupBy = dimension === 'workload' ? (['namespace', 'workload'] as const) : ([dimension] as const)
  return startupAggregates(q)({
    from: window.from,
    to: window.to,
    filters,
    groupBy: [...groupBy],
    limit,
    detail,
  })
}

export async function loadImagesView(window: TimeWindow, filters: StartupFilters) {
  const q = await dashboardQuerier()
  const base = { from: window.from, to: window.to, filters }
  return {
    images: await imagePullStats(q)({ ...base, limit: 50 }),
    nodes: await nodeCacheHits(q)({ ...base, limit: 50 }),
    concurrent: await concurrentPulls(q)({ ...base, limit: 20 }),
  }
}

export async function loadImageProfile(reference: string) {
  return imageProfile(await dashboardQuerier())({ reference })
}

export async function loadPod(cluster: string, uid: string) {
  const q = await dashboardQuerier()
  const record = await startupByUid(q)({ cluster, uid })
  if (!record) return null
  const events = await podEvents(q)({ cluster, namespace: record.namespace, pod: record.pod })
  return { record, events }
}

export async function loadRollouts(
  window: TimeWindow,
  cluster: string | undefined,
  namespace: string,
  workload: string,
) {
  const q = await dashboardQuerier()
  return workloadRollouts(q)({
    from: window.from,
    to: window.to,
    namespace,
    workload,
    cluster,
  })
}

/** The slowest startups of the window (the pods index), most seconds first. */
export async function loadSlowest(window: TimeWindow, filters: StartupFilters, limit: number) {
  return slowestStartups(await dashboardQuerier())({ from: window.from, to: window.to, filters, limit })
}
