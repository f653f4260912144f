// What written startups measure, on /metrics: phase and total histograms by cluster and namespace, by workload
// (top N, the rest `other`), image pulls by size class and outcome, pull failures by reason, and the official
// SLI (a histogram and the current UTC day's p99 per cluster). Each startup counts once, when it is first
// written final; rewrites of the same pod (late events) are not counted again. Buckets: docs/prometheus.md.
import {
  ADDITIVE_PHASES,
  PHASE_NAMES,
  type PullOutcome,
  type SliExclusion,
  type StartupRecord,
} from '@podstart/schema/record'
import { Counter, Gauge, Histogram, type OpenMetricsContentType, type Registry } from 'prom-client'
import { DEFAULT_SIZE_CLASSES } from '../alerts/config.ts'
import { DayQuantile } from './day-quantile.ts'
import { registry } from './metrics.ts'
import { TopWorkloads, type WorkloadKey } from './top-workloads.ts'

/**
 * Startup and phase buckets (seconds): fine below 10 s, where the official SLO (5 s) and most healthy
 * startups sit, with 5 s itself a bound so "share over 5 s" is exact; then coarse up to 10 min (image pulls
 * of large images, stuck init containers). 16 bounds: 19 series per label set.
 */
export const STARTUP_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 60, 120, 300, 600]
/** Pull buckets (seconds): include each size class's slow-pull threshold (30, 90, 180, 300 s) as a bound. */
export const PULL_BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 90, 120, 180, 300, 600, 1200]
/** SLI buckets (seconds): half-second steps up to the 5 s objective, so its p99 is read within 0.5 s. */
export const SLI_BUCKETS = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 8, 10, 15, 30, 60]

/** Image-size classes, as the slow-pull alerts name them (bytes as the kubelet reported them). */
export const PULL_SIZE_CLASSES = [...DEFAULT_SIZE_CLASSES.map((c) => c.name), 'unknown'] as const

export function sizeClassOf(sizeBytes: number | null): string {
  if (sizeBytes === null) return 'unknown'
  const cls = DEFAULT_SIZE_CLASSES.find((c) => c.maxBytes === null || sizeBytes < c.maxBytes)
  return cls?.name ?? 'unknown'
}

/** Failure reasons kept as label values (the kubelet's image pull reasons); anything else is `other`. */
export const PULL_FAILURE_REASONS = [
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
  'SignatureValidationFailed',
] as const
const failureReasons = new Set<string>(PULL_FAILURE_REASONS)
export function pullFailureReason(reason: string | null | undefined, outcome: PullOutcome): string {
  if (reason && failureReasons.has(reason)) return reason
  return outcome === 'backoff' ? 'ImagePullBackOff' : reason ? 'other' : 'ErrImagePull'
}

const PULL_OUTCOMES: readonly PullOutcome[] = ['ok', 'failed', 'backoff']
const SLI_EXCLUSIONS: readonly SliExclusion[] = [
  'stateful',
  'unschedulable',
  'not-started',
  'unobserved',
  'unknown-pulls',
]

/** The phase label values of the workload histogram: the total and the phases that add up to it. */
export const WORKLOAD_PHASES = ['total', ...ADDITIVE_PHASES] as const

/**
 * Observes with an exemplar naming the pod. prom-client 15's typings ask exemplar labels to be the metric's own
 * label names, while OpenMetrics exemplars carry labels of their own (lib/histogram.js accepts any).
 */
function observe<T extends string>(
  h: Histogram<T>,
  labels: Record<T, string>,
  value: number,
  exemplarLabels: { pod_uid: string },
): void {
  h.observe({ labels, value, exemplarLabels: exemplarLabels as unknown as Record<T, string> } as never)
}

/** Pods remembered as already counted (a later rewrite of one is not counted again). */
const SEEN_LIMIT = 200_000

export interface StartupMetricsOptions {
  /** Workloads with a label of their own (PODSTART_METRICS_TOP_WORKLOADS); default 10. */
  topWorkloads?: number
  /** The ranking window of the top workloads; default 1 h. */
  workloadWindowMs?: number
  registry?: Registry<OpenMetricsContentType>
  now?: () => number
}

export const DEFAULT_TOP_WORKLOADS = 10
export const DEFAULT_WORKLOAD_WINDOW_MS = 3_600_000

export class StartupMetrics {
  readonly phaseSeconds: Histogram<'cluster' | 'namespace' | 'phase'>
  readonly startupSeconds: Histogram<'cluster' | 'namespace' | 'cache'>
  readonly workloadSeconds: Histogram<'cluster' | 'namespace' | 'workload' | 'phase'>
  readonly pullSeconds: Histogram<'cluster' | 'size_class' | 'outcome'>
  readonly pulls: Counter<'cluster' | 'size_class' | 'outcome'>
  readonly pullFailures: Counter<'cluster' | 'reason'>
  readonly sliSeconds: Histogram<'cluster'>
  readonly sliExcluded: Counter<'cluster' | 'reason'>
  private readonly top: TopWorkloads
  private readonly seen = new Set<string>()
  private readonly sliDays = new Map<string, DayQuantile>()
  private readonly now: () => number

  constructor(opts: StartupMetricsOptions = {}) {
    const registers = [opts.registry ?? registry]
    const now = opts.now ?? Date.now
    this.now = now
    this.phaseSeconds = new Histogram({
      name: 'podstart_phase_seconds',
      help: 'Phase durations of pods that became Ready, by cluster, namespace and phase (download and decompress split pull). Exemplar: pod_uid.',
      labelNames: ['cluster', 'namespace', 'phase'],
      buckets: STARTUP_BUCKETS,
      enableExemplars: true,
      registers,
    })
    this.startupSeconds = new Histogram({
      name: 'podstart_startup_seconds',
      help: 'Creation to Ready of pods that became Ready, by cluster, namespace and cache (cold: an image was pulled; warm: none was). Exemplar: pod_uid.',
      labelNames: ['cluster', 'namespace', 'cache'],
      buckets: STARTUP_BUCKETS,
      enableExemplars: true,
      registers,
    })
    this.workloadSeconds = new Histogram({
      name: 'podstart_workload_phase_seconds',
      help: 'Startup total and phases by workload: the top N workloads by startups in the last hour keep their name, the rest are workload="other". Exemplar: pod_uid.',
      labelNames: ['cluster', 'namespace', 'workload', 'phase'],
      buckets: STARTUP_BUCKETS,
      enableExemplars: true,
      registers,
    })
    this.pullSeconds = new Histogram({
      name: 'podstart_image_pull_seconds',
      help: "Image pulls' own duration (the kubelet's 'in X', queue wait excluded), by cluster, image-size class and outcome. Exemplar: pod_uid.",
      labelNames: ['cluster', 'size_class', 'outcome'],
      buckets: PULL_BUCKETS,
      enableExemplars: true,
      registers,
    })
    this.pulls = new Counter({
      name: 'podstart_image_pulls_total',
      help: 'Image pulls (images present on the node not counted), by cluster, image-size class and outcome (ok, failed, backoff).',
      labelNames: ['cluster', 'size_class', 'outcome'],
      registers,
    })
    this.pullFailures = new Counter({
      name: 'podstart_image_pull_failures_total',
      help: 'Image pulls that failed, by cluster and kubelet reason (ErrImagePull, ImagePullBackOff, ...; other).',
      labelNames: ['cluster', 'reason'],
      registers,
    })
    this.sliSeconds = new Histogram({
      name: 'podstart_sli_seconds',
      help: 'The official pod startup SLI (creation to all containers started as observed on the watch, pulls and init containers excluded) of pods in its population. Exemplar: pod_uid.',
      labelNames: ['cluster'],
      buckets: SLI_BUCKETS,
      enableExemplars: true,
      registers,
    })
    this.sliExcluded = new Counter({
      name: 'podstart_sli_excluded_total',
      help: "Pods outside the official SLI's population, by cluster and reason (stateful, unschedulable, not-started, unobserved, unknown-pulls).",
      labelNames: ['cluster', 'reason'],
      registers,
    })
    const days = this.sliDays
    new Gauge({
      name: 'podstart_sli_day_p99_seconds',
      help: "p99 of the official SLI over the current UTC day (pods created today, written since this process started), by cluster: the SLO's per cluster-day figure (objective: <= 5 s).",
      labelNames: ['cluster'],
      registers,
      collect() {
        this.reset()
        for (const [cluster, q] of days) {
          const p99 = q.quantile(0.99, now())
          if (p99 !== null) this.set({ cluster }, p99 / 1000)
        }
      },
    })
    new Gauge({
      name: 'podstart_sli_day_pods',
      help: "Pods in the official SLI's population counted in podstart_sli_day_p99_seconds (current UTC day), by cluster.",
      labelNames: ['cluster'],
      registers,
      collect() {
        this.reset()
        for (const [cluster, q] of days) {
          const n = q.count(now())
          if (n > 0) this.set({ cluster }, n)
        }
      },
    })
    this.top = new TopWorkloads({
      limit: opts.topWorkloads ?? DEFAULT_TOP_WORKLOADS,
      windowMs: opts.workloadWindowMs ?? DEFAULT_WORKLOAD_WINDOW_MS,
      onDemoted: (key) => {
        for (const phase of WORKLOAD_PHASES) this.workloadSeconds.remove({ ...key, phase })
      },
    })
  }

  /** Counts each record once: the first time it is written with a final outcome. */
  observe(record: StartupRecord): void {
    if (record.outcome === 'pending') return
    const key = `${record.cluster}/${record.uid}`
    if (this.seen.has(key)) return
    this.seen.add(key)
    if (this.seen.size > SEEN_LIMIT) {
      const oldest = this.seen.values().next().value
      if (oldest !== undefined) this.seen.delete(oldest)
    }
    const { cluster, namespace } = record
    this.initCluster(cluster)
    const exemplarLabels = { pod_uid: record.uid }
    if (record.outcome === 'ready' && record.totalMs !== null) {
      const cache = record.cold === true ? 'cold' : record.cold === false ? 'warm' : 'unknown'
      observe(this.startupSeconds, { cluster, namespace, cache }, record.totalMs / 1000, exemplarLabels)
      for (const phase of PHASE_NAMES) {
        const ms = record.phases[phase]
        if (ms !== null && ms !== undefined)
          observe(this.phaseSeconds, { cluster, namespace, phase }, ms / 1000, exemplarLabels)
      }
      const workload = this.workloadOf(record)
      const label = this.top.label(workload, this.now())
      const ns = label === workload.workload ? namespace : ''
      const values: Record<(typeof WORKLOAD_PHASES)[number], number | null> = {
        total: record.totalMs,
        ...Object.fromEntries(ADDITIVE_PHASES.map((p) => [p, record.phases[p]])),
      } as Record<(typeof WORKLOAD_PHASES)[number], number | null>
      for (const phase of WORKLOAD_PHASES) {
        const ms = values[phase]
        if (ms !== null && ms !== undefined)
          observe(
            this.workloadSeconds,
            { cluster, namespace: ns, workload: label, phase },
            ms / 1000,
            exemplarLabels,
          )
      }
    }
    for (const pull of record.pulls) {
      if (pull.cached) continue
      const size_class = sizeClassOf(pull.sizeBytes)
      this.pulls.inc({ cluster, size_class, outcome: pull.outcome })
      if (pull.pullMs !== null)
        observe(
          this.pullSeconds,
          { cluster, size_class, outcome: pull.outcome },
          pull.pullMs / 1000,
          exemplarLabels,
        )
      if (pull.outcome !== 'ok')
        this.pullFailures.inc({ cluster, reason: pullFailureReason(pull.failureReason, pull.outcome) })
    }
    const sli = record.sli
    if (sli) {
      if (sli.excluded) this.sliExcluded.inc({ cluster, reason: sli.excluded })
      else if (sli.ms !== null) {
        observe(this.sliSeconds, { cluster }, sli.ms / 1000, exemplarLabels)
        let day = this.sliDays.get(cluster)
        if (!day) {
          day = new DayQuantile()
          this.sliDays.set(cluster, day)
        }
        day.add(sli.ms, Date.parse(record.createdAt))
      }
    }
  }

  /**
   * Counters of a cluster start at 0 for every known label value, so a rate over them is 0 rather than no data
   * until the first failure (alert ratios and dashboard panels then always have a series to divide).
   */
  private readonly clusters = new Set<string>()
  private initCluster(cluster: string): void {
    if (this.clusters.has(cluster)) return
    this.clusters.add(cluster)
    for (const size_class of PULL_SIZE_CLASSES)
      for (const outcome of PULL_OUTCOMES) this.pulls.inc({ cluster, size_class, outcome }, 0)
    for (const reason of [...PULL_FAILURE_REASONS, 'other']) this.pullFailures.inc({ cluster, reason }, 0)
    for (const reason of SLI_EXCLUSIONS) this.sliExcluded.inc({ cluster, reason }, 0)
  }

  private workloadOf(record: StartupRecord): WorkloadKey {
    const w = record.workload
    return {
      cluster: record.cluster,
      namespace: record.namespace,
      workload: w ? `${w.kind}/${w.name}` : `Pod/${record.pod}`,
    }
  }
}

/** For callers outside the collector (the series budget test): a registry to measure into, and its rendering. */
export { renderMetrics } from './exposition.ts'
export { openMetricsRegistry } from './metrics.ts'

let shared: StartupMetrics | null = null
/** The process's one StartupMetrics on the /metrics registry; the first call's options win (the CLI's settings). */
export function sharedStartupMetrics(opts?: StartupMetricsOptions): StartupMetrics {
  shared ??= new StartupMetrics(opts)
  return shared
}
