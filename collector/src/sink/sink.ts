// The collector's writes, one place: a writer per table (startups with their pulls, raw events, inventory,
// kubelet histograms), each batched and bounded, with what the store refuses set aside in rejected_records.
// push* methods never wait; pressure() is the promise the watch loop waits on while a buffer is full.
import type { StartupRecord } from '@podstart/schema/record'
import { JsonRows, type Querier } from '@podstart/schema/store'
import { podEventRowProblem } from '@podstart/schema/writes'
import { metrics } from '../observability/metrics.ts'
import { BatchWriter } from './batch-writer.ts'
import type { PodEventRow } from './event-rows.ts'
import { StartupSink, type StartupSinkStats } from './startup-sink.ts'

export type InventoryTable = 'nodes' | 'workload_images' | 'workload_rollouts' | 'kubelet_pull_histograms'

export interface SinkOptions {
  querier: Querier
  cluster: string
  batchSize?: number
  /** The most rows one insert takes when rows piled up behind a running one (default 10 x batchSize). */
  maxBatch?: number
  flushIntervalMs?: number
  maxBuffered?: number
  log?: (line: string) => void
  /** Each batch of startups once stored (alerts, metrics). */
  onStartupsStored?(records: StartupRecord[]): void
}

/** What a stop left behind: rows not written within the deadline, per table. */
export interface StopSummary {
  unwritten: number
  byTable: Record<string, number>
}

export class Sink {
  private readonly startups: StartupSink
  /**
   * Event rows, each encoded once as it is pushed (a JSONEachRow line's UTF-8 bytes): nothing encodes them again
   * to insert, and a burst's queued rows wait outside the JavaScript heap (a small view per row, the bytes in
   * the Buffer pool's shared slabs), so the young-generation collections stop copying them.
   */
  private readonly events: BatchWriter<Buffer>
  private readonly rejectEvent: (row: PodEventRow, category: string, reason: string) => void | Promise<void>
  private readonly inventory: Record<InventoryTable, BatchWriter<object>>
  private waits: Promise<void>[] = []

  constructor(opts: SinkOptions) {
    const log = opts.log ?? (() => undefined)
    const batchSize = opts.batchSize ?? 2_000
    const common = {
      batchSize,
      maxBatch: opts.maxBatch ?? 10 * batchSize,
      flushIntervalMs: opts.flushIntervalMs ?? 1_000,
      maxBuffered: opts.maxBuffered ?? 50_000,
      onFlushError: (name: string, err: Error, attempt: number) => {
        metrics.sinkFlushFailures.inc({ table: name })
        if (attempt === 1 || attempt % 10 === 0)
          log(`store write to ${name} failed (attempt ${attempt}), retrying: ${err.message}`)
      },
    }
    this.startups = new StartupSink({
      querier: opts.querier,
      cluster: opts.cluster,
      source: 'collect',
      ...common,
      log,
      onStored: opts.onStartupsStored,
    })
    const rejected = this.startups.rejected
    this.events = new BatchWriter<Buffer>({
      name: 'pod_events',
      ...common,
      // A row that does not fit its schema was set aside by name when pushed; the store refusing one anyway
      // is isolated by the writer (onRejected).
      write: (batch) => opts.querier.insert('pod_events', new JsonRows(batch)),
      onRejected: (line, err) =>
        this.rejectEvent(
          JSON.parse(line.toString('utf8')) as PodEventRow,
          'store-refused',
          `the store refused it: ${err.message}`,
        ),
    })
    this.rejectEvent = (row, category, reason) =>
      rejected.reject({
        target: 'pod_events',
        key: `${row.namespace}/${row.event_name}`,
        category,
        reason,
        record: row,
      })
    const writer = (table: InventoryTable) =>
      new BatchWriter<object>({
        name: table,
        ...common,
        write: (batch) => opts.querier.insert(table, batch),
        onRejected: (row, err) =>
          rejected.reject({
            target: table,
            key: String(
              (row as { name?: unknown; node?: unknown }).name ?? (row as { node?: unknown }).node ?? '?',
            ),
            category: 'store-refused',
            reason: `the store refused it: ${err.message}`,
            record: row,
          }),
      })
    this.inventory = {
      nodes: writer('nodes'),
      workload_images: writer('workload_images'),
      workload_rollouts: writer('workload_rollouts'),
      kubelet_pull_histograms: writer('kubelet_pull_histograms'),
    }
  }

  private track(pending: void | Promise<void>): void {
    if (pending) this.waits.push(pending)
  }

  startup(record: StartupRecord): void {
    this.track(this.startups.push(record))
  }

  event(row: PodEventRow): void {
    const problem = podEventRowProblem(row)
    if (problem !== null) this.track(this.rejectEvent(row, 'invalid-row', problem))
    else this.track(this.events.push(Buffer.from(JSON.stringify(row), 'utf8')))
  }

  rows(table: InventoryTable, rows: object[]): void {
    if (rows.length > 0) this.track(this.inventory[table].push(...rows))
  }

  /** Resolves when every buffer that was full has room again; undefined when none was full. */
  pressure(): Promise<void> | undefined {
    if (this.waits.length === 0) return undefined
    const waits = this.waits
    this.waits = []
    return Promise.all(waits).then(() => undefined)
  }

  private writers(): BatchWriter<unknown>[] {
    return [this.events, ...Object.values(this.inventory)] as BatchWriter<unknown>[]
  }

  get depth(): number {
    return this.writers().reduce((n, w) => n + w.depth, this.startups.depth)
  }

  depthOf(table: 'pod_startups' | 'pod_events'): number {
    return table === 'pod_startups' ? this.startups.depth : this.events.depth
  }

  get failing(): boolean {
    return this.startups.failing || this.writers().some((w) => w.failing)
  }

  stats(): StartupSinkStats {
    return this.startups.stats()
  }

  async flush(deadlineMs?: number): Promise<void> {
    await Promise.all([this.startups.flush(deadlineMs), ...this.writers().map((w) => w.flush(deadlineMs))])
  }

  /** Writes what it can within the deadline, then stops every writer; returns the rows left, per table. */
  async close(deadlineMs: number): Promise<StopSummary> {
    const [startups, ...others] = await Promise.all([
      this.startups.close(deadlineMs),
      ...this.writers().map(async (w) => ({ [w.o.name]: await w.close(deadlineMs) })),
    ])
    const byTable: Record<string, number> = {}
    for (const part of [startups, ...others]) {
      for (const [table, n] of Object.entries(part ?? {}))
        if (n > 0) byTable[table] = (byTable[table] ?? 0) + n
    }
    return { unwritten: Object.values(byTable).reduce((a, b) => a + b, 0), byTable }
  }
}
