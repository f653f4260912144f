// History into the store the way the live collector writes it: startups through the lifecycle engine, and
// the pod events, nodes, workload images and rollouts through the collector's own row builders, so advice
// and dashboards over imported history see what they would have seen live.
import type { StartupRecord } from '@podstart/schema/record'
import { writeStartups } from '@podstart/schema/rollups'
import type { Querier } from '@podstart/schema/store'
import { LifecycleEngine, type WatchUpdate } from '../lifecycle/index.ts'
import type { KubeObject } from '../lifecycle/kube-object.ts'
import { SplitSources } from '../pulls/split-sources.ts'
import type { WatchLine } from '../sim/history.ts'
import { eventRow, type PodEventRow } from '../sink/event-rows.ts'
import { startupVersion } from '../sink/startup-version.ts'
import { type NodeRow, nodeRow, type RolloutRow, RolloutTracker, WorkloadImageTracker } from './inventory.ts'

export interface HistoryImportOptions {
  cluster: string
  querier: Querier
  /** Store raw pod events (pod_events), as the collector does by default. Default true. */
  storeEvents?: boolean
  /** Split lookups; default: loaded from the store (the defaults when it has no profile or node tables). */
  splitSources?: SplitSources
}

export interface HistoryImportSummary {
  updates: number
  startups: number
  events: number
  nodes: number
  workloadImages: number
  rollouts: number
}

type InventoryTable = 'nodes' | 'workload_images' | 'workload_rollouts'
const INSERT_BATCH = 20_000

/**
 * Buffers what a stream of watch updates (in observed order) turns into. `observe` is synchronous so that
 * synchronous producers (the simulator's history) can feed it; `flush` writes what is buffered.
 */
export class HistoryImport {
  private readonly engine: LifecycleEngine
  private readonly workloadImages = new WorkloadImageTracker()
  private readonly rollouts = new RolloutTracker()
  private records: StartupRecord[] = []
  private events: PodEventRow[] = []
  private inventory: Record<InventoryTable, object[]> = {
    nodes: [],
    workload_images: [],
    workload_rollouts: [],
  }
  private lastObservedMs = Number.NEGATIVE_INFINITY
  private readonly summary: HistoryImportSummary = {
    updates: 0,
    startups: 0,
    events: 0,
    nodes: 0,
    workloadImages: 0,
    rollouts: 0,
  }

  private constructor(
    private readonly opts: HistoryImportOptions,
    private readonly splitSources: SplitSources,
  ) {
    this.engine = new LifecycleEngine({
      cluster: opts.cluster,
      splitRates: splitSources.splitRates,
      imageProfile: splitSources.imageProfile,
      onRecord: (record, final) => {
        if (final) this.records.push(record)
      },
    })
  }

  static async open(opts: HistoryImportOptions): Promise<HistoryImport> {
    let sources = opts.splitSources
    if (!sources) {
      try {
        sources = await SplitSources.load(opts.querier, opts.cluster)
      } catch {
        sources = new SplitSources(opts.cluster)
      }
    }
    return new HistoryImport(opts, sources)
  }

  /** One watch update, at the time the collector would have received it. */
  observe(type: WatchUpdate['type'], object: KubeObject, observedAtMs: number): void {
    const { cluster } = this.opts
    this.summary.updates++
    this.engine.observe({ type, object } as WatchUpdate, observedAtMs)
    if (observedAtMs > this.lastObservedMs) this.lastObservedMs = observedAtMs
    const deleted = type === 'DELETED'
    switch (object.kind) {
      case 'Event': {
        if (this.opts.storeEvents === false || deleted) break
        // The collector watches pod events only (fieldSelector involvedObject.kind=Pod).
        const row = eventRow(cluster, object, observedAtMs)
        if (row) this.events.push(row)
        break
      }
      case 'Node': {
        const row: NodeRow = nodeRow(cluster, object, deleted, observedAtMs)
        if (!deleted) this.splitSources.noteNode(row)
        this.inventory.nodes.push(row)
        break
      }
      case 'Pod':
        if (!deleted)
          this.inventory.workload_images.push(...this.workloadImages.rows(cluster, object, observedAtMs))
        break
      case 'ReplicaSet': {
        const row: RolloutRow | null = deleted ? null : this.rollouts.row(cluster, object, observedAtMs)
        if (row) this.inventory.workload_rollouts.push(row)
        break
      }
    }
    if (this.summary.updates % 5_000 === 0) this.engine.tick(this.lastObservedMs)
  }

  /** Rows waiting to be written. */
  get buffered(): number {
    return (
      this.records.length +
      this.events.length +
      this.inventory.nodes.length +
      this.inventory.workload_images.length +
      this.inventory.workload_rollouts.length
    )
  }

  /** Writes everything buffered: inventory first (the advice joins startups to it), then events and startups. */
  async flush(): Promise<void> {
    const q = this.opts.querier
    const counts: Record<InventoryTable, keyof HistoryImportSummary> = {
      nodes: 'nodes',
      workload_images: 'workloadImages',
      workload_rollouts: 'rollouts',
    }
    for (const table of Object.keys(this.inventory) as InventoryTable[]) {
      const rows = this.inventory[table]
      this.inventory[table] = []
      for (let i = 0; i < rows.length; i += INSERT_BATCH)
        await q.insert(table, rows.slice(i, i + INSERT_BATCH))
      this.summary[counts[table]] += rows.length
    }
    const events = this.events
    this.events = []
    for (let i = 0; i < events.length; i += INSERT_BATCH)
      await q.insert('pod_events', events.slice(i, i + INSERT_BATCH))
    this.summary.events += events.length
    const records = this.records
    this.records = []
    for (let i = 0; i < records.length; i += 5_000) {
      const batch = records.slice(i, i + 5_000)
      const now = Date.now()
      await writeStartups(
        q,
        batch,
        batch.map((r) => startupVersion(r, now)),
      )
    }
    this.summary.startups += records.length
  }

  /** Ends the history: pods still starting at its end are written as they stand (pending or failed). */
  async finish(): Promise<HistoryImportSummary> {
    const end = Number.isFinite(this.lastObservedMs) ? this.lastObservedMs : Date.now()
    this.records.push(...this.engine.drain(end))
    await this.flush()
    return { ...this.summary }
  }
}

/**
 * Runs a synchronous producer of watch lines (e.g. the simulator's `generateHistory`) into the store and
 * returns what the producer returned (the simulator's truth and manifest) with the import summary.
 */
export async function importWatchLines<R>(
  opts: HistoryImportOptions,
  produce: (sink: (line: WatchLine) => void) => R,
): Promise<{ result: R; summary: HistoryImportSummary }> {
  const history = await HistoryImport.open(opts)
  const result = produce((line) =>
    history.observe(line.type, line.object as KubeObject, Date.parse(line.observedAt)),
  )
  return { result, summary: await history.finish() }
}
