// The live collector: list/watch of pods, events, nodes and owners -> lifecycle engine -> batched,
// idempotent writes. Keeps no Kubernetes objects: the lifecycle engine holds compact per-pod state.

import { setTimeout as sleep } from 'node:timers/promises'
import type { StartupRecord } from '@podstart/schema/record'
import type { Querier } from '@podstart/schema/store'
import type { KubeAccess } from '../kube/access.ts'
import { KubeletScraper } from '../kube/kubelet-metrics.ts'
import { ListWatch, type ResourceName, type ResourceSpec, type RestartReason } from '../kube/list-watch.ts'
import { LifecycleEngine, type LifecycleOptions } from '../lifecycle/index.ts'
import type { KubeObject } from '../lifecycle/kube-object.ts'
import { metrics } from '../observability/metrics.ts'
import { type StartupMetrics, sharedStartupMetrics } from '../observability/startup-metrics.ts'
import { SplitSources } from '../pulls/split-sources.ts'
import { eventRow } from '../sink/event-rows.ts'
import { Sink, type StopSummary } from '../sink/sink.ts'
import type { StartupSinkStats } from '../sink/startup-sink.ts'
import { nodeRow, RolloutTracker, WorkloadImageTracker } from './inventory.ts'
import { RollupRefresher } from './rollup-refresher.ts'

export interface CollectorOptions {
  cluster: string
  access: KubeAccess
  querier: Querier
  /** Watch one namespace only; default all namespaces. */
  namespace?: string
  /** Label selector for pods, e.g. app.kubernetes.io/part-of=shop. */
  labelSelector?: string
  stuckTimeoutMs?: number
  graceMs?: number
  /** Write final startups this soon (default 1 s) and rewrite them after graceMs only if late events changed them. */
  settleMs?: number
  batchSize?: number
  flushIntervalMs?: number
  maxBuffered?: number
  /** Store raw pod events (pod_events). Default true. */
  storeEvents?: boolean
  splitRates?: LifecycleOptions['splitRates']
  /** Split lookups (stored profiles, node classes); default: loaded from the store at start. */
  splitSources?: SplitSources
  /** Reload stored profiles every this many ms (0: only at start); default 5 min. */
  splitRefreshMs?: number
  log?: (line: string) => void
  /** Scrape kubelet histograms through nodes/proxy every this many ms (opt-in: needs `get` on nodes/proxy). */
  kubeletMetricsIntervalMs?: number
  /** For tests: the watch loops' stall timeout. */
  stallMs?: number
  /** Longest watch line read; a longer one is skipped and counted (default 4 MiB). */
  maxLineBytes?: number
  /** Rebuild stale dashboard rollup buckets every this many ms (0 turns it off); default 30 s. */
  rollupRefreshMs?: number
  /** Alert hook: called with each startup record once it is written (e.g. an AlertEngine). */
  alerts?: { onStartup(record: StartupRecord): void }
  /** Where written startups are measured for /metrics; default the process's shared one. */
  startupMetrics?: StartupMetrics
}

export interface CollectorStats {
  startupsWritten: number
  eventsReceived: number
  watchRestarts: Record<string, number>
  rejects: Record<string, number>
  trackedPods: number
  bufferDepth: number
  storeFailing: boolean
  /** Startups stored, set aside (rejected_records) and corrected, by reason. */
  records: StartupSinkStats
}

export type { StopSummary }

const RESTART_REASONS: RestartReason[] = ['expired', 'relist', 'error', 'closed', 'stalled']
const SINK_TABLES = [
  'pod_startups',
  'pod_events',
  'nodes',
  'workload_images',
  'workload_rollouts',
  'kubelet_pull_histograms',
] as const

const RESOURCE_ORDER: ResourceName[] = ['nodes', 'replicasets', 'deployments', 'jobs', 'pods', 'events']

function resourceSpecs(opts: CollectorOptions): ResourceSpec[] {
  const ns = opts.namespace ? `/namespaces/${encodeURIComponent(opts.namespace)}` : ''
  const specs: Record<ResourceName, ResourceSpec> = {
    nodes: { name: 'nodes', path: '/api/v1/nodes' },
    replicasets: { name: 'replicasets', path: `/apis/apps/v1${ns}/replicasets` },
    deployments: { name: 'deployments', path: `/apis/apps/v1${ns}/deployments` },
    jobs: { name: 'jobs', path: `/apis/batch/v1${ns}/jobs` },
    pods: { name: 'pods', path: `/api/v1${ns}/pods`, labelSelector: opts.labelSelector },
    events: { name: 'events', path: `/api/v1${ns}/events`, fieldSelector: 'involvedObject.kind=Pod' },
  }
  return RESOURCE_ORDER.map((r) => specs[r])
}

export class Collector {
  readonly engine: LifecycleEngine
  private readonly watches: ListWatch[]
  private readonly sink: Sink
  /** Inventory rows (nodes, workload images, rollouts): small, written through one writer per table. */
  private readonly workloadImages = new WorkloadImageTracker()
  private readonly rollouts = new RolloutTracker()
  private readonly nodeNames = new Set<string>()
  private readonly scraper: KubeletScraper | null
  private ticker: NodeJS.Timeout | null = null
  private readonly splitSources: SplitSources
  private splitTimer: NodeJS.Timeout | null = null
  private readonly rollups: RollupRefresher | null
  private readonly stats_ = {
    startupsWritten: 0,
    eventsReceived: 0,
    watchRestarts: {} as Record<string, number>,
    rejects: {} as Record<string, number>,
  }

  constructor(private readonly opts: CollectorOptions) {
    const log = opts.log ?? (() => undefined)
    this.sink = new Sink({
      querier: opts.querier,
      cluster: opts.cluster,
      batchSize: opts.batchSize,
      flushIntervalMs: opts.flushIntervalMs,
      maxBuffered: opts.maxBuffered,
      log,
      onStartupsStored: (records) => this.onStored(records),
    })
    this.scraper = opts.kubeletMetricsIntervalMs
      ? new KubeletScraper({
          access: opts.access,
          cluster: opts.cluster,
          nodes: () => [...this.nodeNames],
          intervalMs: opts.kubeletMetricsIntervalMs,
          write: (rows) => this.sink.rows('kubelet_pull_histograms', rows),
          onError: (node, err) => {
            this.reject(`kubelet-metrics:${err.name === 'KubeApiError' ? 'http' : 'parse'}`)
            log(`kubelet metrics of ${node}: ${err.message}`)
          },
        })
      : null
    this.rollups =
      opts.rollupRefreshMs === 0
        ? null
        : new RollupRefresher({ querier: opts.querier, intervalMs: opts.rollupRefreshMs, log })
    this.splitSources = opts.splitSources ?? new SplitSources(opts.cluster)
    this.engine = new LifecycleEngine({
      cluster: opts.cluster,
      graceMs: opts.graceMs,
      // Write a final startup ~1 s after it is final, and again only if late events change it.
      settleMs: opts.settleMs ?? 1_000,
      stuckTimeoutMs: opts.stuckTimeoutMs,
      splitRates: opts.splitRates ?? this.splitSources.splitRates,
      imageProfile: this.splitSources.imageProfile,
      // Evidence the engine dropped (caps, UID conflicts, unusable events), counted on /metrics by reason.
      onReject: (reason) => metrics.lifecycleRejects.inc({ reason }),
      onWarning: (message) => log(`lifecycle: ${message}`),
      onRecord: (record) => {
        if (record.clockSkewClamps) metrics.clockSkewClamps.inc(record.clockSkewClamps)
        this.sink.startup(record)
      },
    })
    // Counters start at 0 for every resource and table, so rates over them read 0 rather than no data.
    for (const spec of resourceSpecs(opts))
      for (const reason of RESTART_REASONS) metrics.watchRestarts.inc({ resource: spec.name, reason }, 0)
    for (const table of SINK_TABLES) metrics.sinkFlushFailures.inc({ table }, 0)
    this.watches = resourceSpecs(opts).map(
      (spec) =>
        new ListWatch(
          opts.access,
          spec,
          {
            onObject: (type, object, receivedAt) => this.onObject(spec.name, type, object, receivedAt),
            onReject: (resource, reason) => this.reject(`${resource}:${reason}`),
            onWatchOpen: (resource) => metrics.watchUp.set({ resource }, 1),
            onRestart: (resource, reason, err) => {
              metrics.watchUp.set({ resource }, 0)
              const key = `${resource}:${reason}`
              this.stats_.watchRestarts[key] = (this.stats_.watchRestarts[key] ?? 0) + 1
              metrics.watchRestarts.inc({ resource, reason })
              if (reason !== 'closed')
                log(`watch ${resource} restarting (${reason})${err ? `: ${err.message}` : ''}`)
            },
          },
          { stallMs: opts.stallMs, ...(opts.maxLineBytes ? { maxLineBytes: opts.maxLineBytes } : {}) },
        ),
    )
  }

  /** A stored batch: alert evaluation and the process's own metrics. */
  private onStored(records: StartupRecord[]): void {
    const now = Date.now()
    const startupMetrics = this.opts.startupMetrics ?? sharedStartupMetrics()
    for (const record of records) {
      this.stats_.startupsWritten++
      this.opts.alerts?.onStartup(record)
      metrics.startupsWritten.inc({ outcome: record.outcome })
      const readyAt = record.readyAt ? Date.parse(record.readyAt) : null
      if (readyAt) metrics.lagSeconds.set(Math.max(0, (now - readyAt) / 1000))
      startupMetrics.observe(record)
    }
  }

  private reject(reason: string): void {
    this.stats_.rejects[reason] = (this.stats_.rejects[reason] ?? 0) + 1
    metrics.parseRejects.inc({ reason })
  }

  private onObject(
    resource: ResourceName,
    type: string,
    object: KubeObject,
    receivedAt: number,
  ): void | Promise<void> {
    this.stats_.eventsReceived++
    metrics.watchEventsReceived.inc({ resource })
    this.engine.observe({ type: type as 'ADDED', object }, receivedAt)
    if (resource === 'events' && this.opts.storeEvents !== false && type !== 'DELETED') {
      const row = eventRow(this.opts.cluster, object, receivedAt)
      if (row) this.sink.event(row)
      else this.reject('events:unusable-event')
    }
    this.recordInventory(resource, type, object, receivedAt)
    return this.sink.pressure()
  }

  private recordInventory(
    resource: ResourceName,
    type: string,
    object: KubeObject,
    receivedAt: number,
  ): void {
    const { cluster } = this.opts
    if (resource === 'nodes') {
      const name = object.metadata?.name
      if (name) {
        if (type === 'DELETED') this.nodeNames.delete(name)
        else this.nodeNames.add(name)
      }
      const row = nodeRow(cluster, object, type === 'DELETED', receivedAt)
      if (type !== 'DELETED') this.splitSources.noteNode(row)
      this.sink.rows('nodes', [row])
    } else if (resource === 'pods' && type !== 'DELETED') {
      this.sink.rows('workload_images', this.workloadImages.rows(cluster, object, receivedAt))
    } else if (resource === 'replicasets' && type !== 'DELETED') {
      const row = this.rollouts.row(cluster, object, receivedAt)
      if (row) this.sink.rows('workload_rollouts', [row])
    }
  }

  start(): void {
    for (const w of this.watches) w.start()
    this.scraper?.start()
    this.rollups?.start()
    if (!this.opts.splitSources) {
      // A profile stored while collecting splits the pulls seen after the next reload.
      const reload = () =>
        this.splitSources
          .refresh(this.opts.querier)
          .catch((err: Error) => this.opts.log?.(`split sources not reloaded: ${err.message}`))
      void reload()
      const every = this.opts.splitRefreshMs ?? 300_000
      if (every > 0) {
        this.splitTimer = setInterval(reload, every)
        this.splitTimer.unref()
      }
    }
    this.ticker = setInterval(() => {
      this.engine.tick(Date.now())
      metrics.trackedPods.set(this.engine.stats().trackedPods)
      metrics.sinkBufferRows.set({ table: 'pod_startups' }, this.sink.depthOf('pod_startups'))
      metrics.sinkBufferRows.set({ table: 'pod_events' }, this.sink.depthOf('pod_events'))
    }, 500)
    this.ticker.unref()
  }

  /**
   * Stops watching and writes what is buffered within `flushDeadlineMs` (SIGTERM path), then stops retrying.
   * Returns the rows left unwritten, per table. Tracked pods are not forced final.
   */
  async stop(flushDeadlineMs = 10_000): Promise<StopSummary> {
    const until = Date.now() + flushDeadlineMs
    if (this.ticker) clearInterval(this.ticker)
    if (this.splitTimer) clearInterval(this.splitTimer)
    this.scraper?.stop()
    await Promise.race([
      Promise.all(this.watches.map((w) => w.stop())),
      sleep(flushDeadlineMs, undefined, { ref: false }),
    ])
    this.engine.tick(Date.now())
    const left = () => Math.max(0, until - Date.now())
    const summary = await this.sink.close(left())
    await Promise.race([this.rollups?.stop(), sleep(left(), undefined, { ref: false })])
    return summary
  }

  /** Writes everything buffered so far. */
  async flush(deadlineMs?: number): Promise<void> {
    await this.sink.flush(deadlineMs)
  }

  stats(): CollectorStats {
    const engine = this.engine.stats()
    const rejects = { ...this.stats_.rejects }
    for (const [k, v] of Object.entries(engine.rejects)) rejects[`lifecycle:${k}`] = v
    return {
      startupsWritten: this.stats_.startupsWritten,
      eventsReceived: this.stats_.eventsReceived,
      watchRestarts: { ...this.stats_.watchRestarts },
      rejects,
      trackedPods: engine.trackedPods,
      bufferDepth: this.sink.depth,
      storeFailing: this.sink.failing,
      records: this.sink.stats(),
    }
  }
}
