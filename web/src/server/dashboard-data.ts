// What each dashboard view reads, through @podstart/schema queries only (rollups where they exist).
import 'server-only'
import {
  concurrentPulls,
  imageProfile,
  imagePullStats,
  nodeCacheHits,
  type PeerSummary,
  peerSummary,
  podEvents,
  pullFailures,
  type SliClusterDay,
  type StartupAggregate,
  type StartupAggregatesParams,
  type StartupFilters,
  sliPerClusterDay,
  slowestStartups,
  startupAggregates,
  startupByUid,
  workloadRollouts,
} from '@podstart/schema/queries'
import type { TimeWindow } from '@/lib/time-range.ts'
import { answer } from './answers.ts'
import { dashboardQuerier } from './store.ts'

export interface ScopeView {
  /** The chart step of the window, seconds. */
  stepSeconds: number
  series: StartupAggregate[]
  summary: StartupAggregate | null
  startKinds: StartupAggregate[]
  startKindSeries: StartupAggregate[]
  sloDays: StartupAggregate[]
  /** The official pod startup SLI per cluster-day (raw rows, nearest rank). */
  sli: SliClusterDay[]
  /** clusterloader2's pod_startup and kube-burner's Ready / ContainersStarted, as each peer computes them. */
  peers: PeerSummary
  pullFailures: Awaited<ReturnType<ReturnType<typeof pullFailures>>>
  slowest: Awaited<ReturnType<ReturnType<typeof slowestStartups>>>
}

/** The breakdown every scope shows: series, summary, cold/warm, SLO per cluster-day, pull failures, slowest. */
export async function loadScopeView(window: TimeWindow, filters: StartupFilters): Promise<ScopeView> {
  const q = await dashboardQuerier()
  const base = { from: window.from, to: window.to, filters }
  const step = window.stepSeconds
  const agg = (name: string, p: Omit<StartupAggregatesParams, 'from' | 'to' | 'filters'>) =>
    answer(window, `startupAggregates.${name}`, [filters, p], () => startupAggregates(q)({ ...base, ...p }))
  // Independent questions: a server answers them in parallel (the embedded engine takes them in turn); each is
  // kept for the window's snapshot, so a team reloading the same view asks the store once.
  const [series, [summary], startKinds, startKindSeries, sloDays, failures, slowest, sli, peers] =
    await Promise.all([
      agg('series', { groupBy: ['time'], stepSeconds: step }),
      agg('summary', { detail: 'full' }),
      agg('startKinds', { groupBy: ['startKind'] }),
      agg('startKindSeries', { groupBy: ['time', 'startKind'], stepSeconds: step, detail: 'counts' }),
      agg('sloDays', { groupBy: ['cluster', 'day'] }),
      answer(window, 'pullFailures', filters, () => pullFailures(q)({ ...base, stepSeconds: step })),
      answer(window, 'slowestStartups', [filters, 10], () => slowestStartups(q)({ ...base, limit: 10 })),
      answer(window, 'sliPerClusterDay', filters, () =>
        sliPerClusterDay(q)({ from: window.from, to: window.to, filters }),
      ),
      answer(window, 'peerSummary', filters, () =>
        peerSummary(q)({ from: window.from, to: window.to, filters }),
      ),
    ])
  return {
    stepSeconds: step,
    series,
    summary: summary ?? null,
    startKinds,
    startKindSeries,
    sloDays,
    sli,
    peers,
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
  return answer(window, 'startupAggregates.groups', [filters, groupBy, limit, detail], () =>
    startupAggregates(q)({
      from: window.from,
      to: window.to,
      filters,
      groupBy: [...groupBy],
      limit,
      detail,
    }),
  )
}

export interface FilterOptions {
  cluster: string[]
  namespace: string[]
  workload: string[]
}

/** How many values a filter offers at most (the ones with most startups). */
const MAX_OPTIONS = 200

/**
 * The values each filter offers in the window, narrowed by the filters above it (namespaces by the cluster,
 * workloads by cluster and namespace): one question over (cluster, namespace, workload) counts for all three.
 */
export async function loadFilterOptions(
  window: TimeWindow,
  chosen: { cluster?: string; namespace?: string },
): Promise<FilterOptions> {
  const q = await dashboardQuerier()
  const rows = await answer(window, 'startupAggregates.filterOptions', null, () =>
    startupAggregates(q)({
      from: window.from,
      to: window.to,
      groupBy: ['cluster', 'namespace', 'workload'],
      detail: 'counts',
      limit: 10_000,
    }),
  )
  const top = (pick: (r: StartupAggregate) => string | undefined, keep: (r: StartupAggregate) => boolean) => {
    const counts = new Map<string, number>()
    for (const r of rows) {
      const v = pick(r)
      if (v && keep(r)) counts.set(v, (counts.get(v) ?? 0) + r.startups)
    }
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, MAX_OPTIONS)
      .map(([v]) => v)
      .sort()
  }
  const inCluster = (r: StartupAggregate) => !chosen.cluster || r.group.cluster === chosen.cluster
  return {
    cluster: top(
      (r) => r.group.cluster,
      () => true,
    ),
    namespace: top((r) => r.group.namespace, inCluster),
    workload: top(
      (r) => r.group.workload,
      (r) => inCluster(r) && (!chosen.namespace || r.group.namespace === chosen.namespace),
    ),
  }
}

export async function loadImagesView(window: TimeWindow, filters: StartupFilters) {
  const q = await dashboardQuerier()
  const base = { from: window.from, to: window.to, filters }
  const [images, nodes, concurrent] = await Promise.all([
    answer(window, 'imagePullStats', filters, () => imagePullStats(q)({ ...base, limit: 50 })),
    answer(window, 'nodeCacheHits', filters, () => nodeCacheHits(q)({ ...base, limit: 50 })),
    answer(window, 'concurrentPulls', filters, () => concurrentPulls(q)({ ...base, limit: 20 })),
  ])
  return { images, nodes, concurrent }
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
  const q = await dashboardQuerier()
  return answer(window, 'slowestStartups', [filters, limit], () =>
    slowestStartups(q)({ from: window.from, to: window.to, filters, limit }),
  )
}
