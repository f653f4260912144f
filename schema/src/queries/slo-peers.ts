// The peers' pod startup figures, computed the way each peer computes them, from what podstart stores per pod
// (boundaries, condition times, watch receipt times). Pure: the query sloPeerPods (slo.ts) reads the inputs.
// Definitions, with the source lines they follow, in docs/slo.md.
import type { StartupRecord } from '../record/types.ts'
import { PERCENTILE_METHOD } from './slo.ts'

/** What a peer view needs of one stored startup (ms since epoch, null when unknown). */
export interface PeerPod {
  /** The created boundary (receipt of the ADDED update when seen live, else creationTimestamp). */
  createdMs: number
  /** The scheduled boundary and its source (event-time: the scheduler's Scheduled eventTime). */
  scheduledMs: number | null
  scheduledSource: string
  /** The containersStarted boundary and its source (event-name: the latest Started event's name time). */
  containersStartedMs: number | null
  containersStartedSource: string
  /** Receipt of the first watch update with spec.nodeName set; null when not seen live (or stored before 0015). */
  observedScheduledMs: number | null
  /** Receipt of the first watch update with phase Running / with Ready True. */
  observedRunningMs: number | null
  observedReadyMs: number | null
  /** lastTransitionTime of each condition's first True (whole seconds). */
  conditions: {
    PodScheduled: number | null
    PodReadyToStartContainers: number | null
    Initialized: number | null
    ContainersReady: number | null
    Ready: number | null
  }
  /** true stateless, false stateful, null unknown (stored before migration 0009). */
  stateless: boolean | null
}

const wholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000

// ---- clusterloader2 PodStartupLatency -------------------------------------------------------------------

/** Its transitions (pod_startup_latency.go podStartupTransitions), in its order. */
export const CL2_TRANSITIONS = [
  ['create_to_schedule', 'create', 'schedule'],
  ['schedule_to_run', 'schedule', 'run'],
  ['run_to_watch', 'run', 'watch'],
  ['schedule_to_watch', 'schedule', 'watch'],
  ['pod_startup', 'create', 'watch'],
  ['create_to_run', 'create', 'run'],
] as const
export type Cl2Transition = (typeof CL2_TRANSITIONS)[number][0]
type Cl2Phase = 'create' | 'schedule' | 'run' | 'watch'

/**
 * receipt: perf-tests since 09a6a61de, every phase the watch receipt time (create: first sighting; schedule:
 * first update with nodeName; run = watch: first update with phase Running).
 * classic: before it, create = creationTimestamp, schedule = the Scheduled event's eventTime, run = the latest
 * containerStatuses running.startedAt (whole seconds), watch = receipt of the first Running update.
 */
export type Cl2Stamping = 'receipt' | 'classic'
export type Cl2Population = 'all' | 'stateless' | 'stateful'

/** The phases clusterloader2 would have stamped on one pod; a pod never seen Running has none but create. */
export function cl2Phases(p: PeerPod, stamping: Cl2Stamping): Partial<Record<Cl2Phase, number>> {
  const out: Partial<Record<Cl2Phase, number>> = {}
  if (stamping === 'receipt') {
    out.create = p.createdMs
    // The receipt of the first update with nodeName; for a pod whose binding was not seen live (an import, a row
    // stored before migration 0015) the stored scheduled boundary stands for it.
    const schedule = p.observedScheduledMs ?? p.scheduledMs
    if (schedule !== null) out.schedule = schedule
    if (p.observedRunningMs !== null) {
      out.run = p.observedRunningMs
      out.watch = p.observedRunningMs
    }
    return out
  }
  // Classic stamps a pod only once it sees it Running.
  if (p.observedRunningMs === null) return out
  out.create = wholeSecond(p.createdMs)
  out.watch = p.observedRunningMs
  if (p.containersStartedMs !== null) out.run = wholeSecond(p.containersStartedMs)
  if (p.scheduledMs !== null) out.schedule = p.scheduledMs
  return out
}

/** Nearest rank as clusterloader2 writes it: latencies[ceil(n * p / 100) - 1] (util/latency_metric.go 115-117). */
export function cl2Percentile(sorted: readonly number[], percent: 50 | 90 | 99): number {
  if (sorted.length === 0) return 0
  return sorted[Math.ceil((sorted.length * percent) / 100) - 1] as number
}

/** clusterloader2's PerfData (util/perftype.go): one DataItem per transition, Perc50/90/99 in ms. */
export interface Cl2PerfData {
  version: '1.0'
  dataItems: Array<{
    data: { Perc50: number; Perc90: number; Perc99: number }
    unit: 'ms'
    labels: { Metric: Cl2Transition }
  }>
  labels: Record<string, string>
}

export interface Cl2View {
  perfData: Cl2PerfData
  /** Pods behind each transition. */
  counts: Record<Cl2Transition, number>
  /** pod_startup p50/p90/p99 within the threshold (VerifyThresholdByPercentile, default 5 s). */
  withinThreshold: boolean
  thresholdMs: number
}

export function cl2View(
  pods: readonly PeerPod[],
  stamping: Cl2Stamping,
  population: Cl2Population = 'all',
  thresholdMs = 5000,
): Cl2View {
  const chosen = pods.filter(
    (p) =>
      population === 'all' || (population === 'stateless' ? p.stateless === true : p.stateless === false),
  )
  const phases = chosen.map((p) => cl2Phases(p, stamping))
  const counts = {} as Record<Cl2Transition, number>
  const dataItems: Cl2PerfData['dataItems'] = []
  let withinThreshold = true
  for (const [name, from, to] of CL2_TRANSITIONS) {
    const lags: number[] = []
    for (const ph of phases) {
      const a = ph[from]
      const b = ph[to]
      // A negative lag is set to 0 (util/phase_latency.go 143-145).
      if (a !== undefined && b !== undefined) lags.push(Math.max(0, b - a))
    }
    lags.sort((x, y) => x - y)
    counts[name] = lags.length
    const data = {
      Perc50: cl2Percentile(lags, 50),
      Perc90: cl2Percentile(lags, 90),
      Perc99: cl2Percentile(lags, 99),
    }
    if (name === 'pod_startup') withinThreshold = Object.values(data).every((v) => v <= thresholdMs)
    dataItems.push({ data, unit: 'ms', labels: { Metric: name } })
  }
  return {
    perfData: {
      version: '1.0',
      dataItems,
      labels: { source: 'podstart', stamping, population, percentileMethod: PERCENTILE_METHOD },
    },
    counts,
    withinThreshold,
    thresholdMs,
  }
}

// ---- kube-burner podLatency ------------------------------------------------------------------------------

/** Its quantile names (pod_latency.go getLatency), in its order. */
export const KUBE_BURNER_CONDITIONS = [
  'PodScheduled',
  'PodReadyToStartContainers',
  'Initialized',
  'ContainersStarted',
  'ContainersReady',
  'Ready',
] as const
export type KubeBurnerCondition = (typeof KUBE_BURNER_CONDITIONS)[number]

/**
 * The latencies kube-burner would have written for one pod (ms, integer), or null when it skips the pod (never
 * Ready). From creationTimestamp; a time it lacks is Go's zero time, whose negative latency it sets to 0.
 */
export function kubeBurnerLatencies(p: PeerPod): Record<KubeBurnerCondition, number> | null {
  if (p.conditions.Ready === null) return null
  const ts = wholeSecond(p.createdMs)
  const since = (t: number | null): number => (t === null ? 0 : Math.max(0, Math.trunc(t - ts)))
  const scheduled = p.scheduledSource === 'event-time' ? p.scheduledMs : p.conditions.PodScheduled
  const started = p.containersStartedSource === 'event-name' ? p.containersStartedMs : null
  return {
    PodScheduled: since(scheduled),
    PodReadyToStartContainers: since(p.conditions.PodReadyToStartContainers),
    Initialized: since(p.conditions.Initialized),
    ContainersStarted: since(started),
    ContainersReady: since(p.conditions.ContainersReady),
    Ready: since(p.conditions.Ready),
  }
}

/**
 * montanaflynn/stats v0.7.1 Percentile (kube-burner's go.mod pins v0.7.1; percentile.go lines 8-51): index = p/100 * n
 * in floating point; a whole index takes the value of that rank, else the mean of ranks trunc(index) and
 * trunc(index) + 1 (newer releases of the library interpolate instead: kube-burner does not use them).
 */
export function kubeBurnerPercentile(sorted: readonly number[], percent: number): number {
  const n = sorted.length
  if (n === 0) return Number.NaN
  if (n === 1) return sorted[0] as number
  const index = (percent / 100) * n
  const i = Math.trunc(index)
  if (index === i) return sorted[i - 1] as number
  if (index > 1) return ((sorted[i - 1] as number) + (sorted[i] as number)) / 2
  return Number.NaN
}

/** kube-burner's quantile document (pkg/measurements/metrics/metrics.go LatencyQuantiles). */
export interface KubeBurnerQuantiles {
  quantileName: KubeBurnerCondition
  uuid: string
  P99: number
  P95: number
  P50: number
  min: number
  max: number
  avg: number
  timestamp: string
  metricName: 'podLatencyQuantilesMeasurement'
  jobName?: string
  metadata: Record<string, string>
}

export function kubeBurnerView(
  pods: readonly PeerPod[],
  opts: { uuid: string; timestamp: string; jobName?: string },
): { quantiles: KubeBurnerQuantiles[]; pods: number } {
  const rows = pods.map(kubeBurnerLatencies).filter((r) => r !== null)
  const quantiles: KubeBurnerQuantiles[] = []
  if (rows.length === 0) return { quantiles, pods: 0 }
  for (const name of KUBE_BURNER_CONDITIONS) {
    const v = rows.map((r) => r[name]).sort((a, b) => a - b)
    // Go's int(float64) truncates (metrics.go NewLatencySummary).
    const int = (x: number) => Math.trunc(x)
    quantiles.push({
      quantileName: name,
      uuid: opts.uuid,
      P99: int(kubeBurnerPercentile(v, 99)),
      P95: int(kubeBurnerPercentile(v, 95)),
      P50: int(kubeBurnerPercentile(v, 50)),
      min: v[0] as number,
      max: v[v.length - 1] as number,
      avg: int(v.reduce((s, x) => s + x, 0) / v.length),
      timestamp: opts.timestamp,
      metricName: 'podLatencyQuantilesMeasurement',
      jobName: opts.jobName,
      metadata: {
        source: 'podstart',
        percentileMethod: 'kube-burner (montanaflynn/stats v0.7.1 Percentile)',
      },
    })
  }
  return { quantiles, pods: rows.length }
}

/**
 * A startup record as a peer view's input (a record read back, or a simulator's truth, whose `truth` boundaries
 * stand for the scheduler's eventTime and the kubelet's Started event name).
 */
export function peerPodOfRecord(r: StartupRecord): PeerPod {
  const ms = (iso: string | null | undefined): number | null => (iso == null ? null : Date.parse(iso))
  const source = (s: string | undefined, truthAs: string) => (s === 'truth' ? truthAs : (s ?? ''))
  const b = r.boundaries
  return {
    createdMs: ms(b.created?.at) ?? Date.parse(r.createdAt),
    scheduledMs: ms(b.scheduled?.at),
    scheduledSource: source(b.scheduled?.source, 'event-time'),
    containersStartedMs: ms(b.containersStarted?.at),
    containersStartedSource: source(b.containersStarted?.source, 'event-name'),
    observedScheduledMs: ms(r.observed?.scheduled),
    observedRunningMs: ms(r.observed?.running),
    observedReadyMs: ms(r.observed?.ready),
    conditions: {
      PodScheduled: ms(r.conditions?.PodScheduled),
      PodReadyToStartContainers: ms(r.conditions?.PodReadyToStartContainers),
      Initialized: ms(r.conditions?.Initialized),
      ContainersReady: ms(r.conditions?.ContainersReady),
      Ready: ms(r.conditions?.Ready),
    },
    stateless: r.sli === undefined ? null : r.sli.excluded !== 'stateful',
  }
}
