// The one write path of startup records, for the live collector, `podstart import` and the demo's history:
// each record is bounded against the columns before it is queued (a value that cannot be stored is nulled and
// counted; a record that cannot be stored at all is set aside in rejected_records), then written in batches
// with the rollup protocol (writeStartups). A batch the store still refuses is split until the refused records
// stand alone, and those are set aside too: the records behind them are never blocked.
import type { StartupRecord } from '@podstart/schema/record'
import { writeStartups } from '@podstart/schema/rollups'
import type { Querier } from '@podstart/schema/store'
import {
  boundStartupRecord,
  describeCorrections,
  type RejectionSource,
  startupEvidence,
  startupKey,
  storedStartupEvidence,
} from '@podstart/schema/writes'
import { metrics } from '../observability/metrics.ts'
import { BatchWriter } from './batch-writer.ts'
import { RejectedSink } from './rejected-sink.ts'
import { startupVersion } from './startup-version.ts'

export interface StartupSinkOptions {
  querier: Querier
  cluster: string
  source: RejectionSource
  batchSize?: number
  /** The most records one write takes when records piled up behind a running one (default batchSize). */
  maxBatch?: number
  flushIntervalMs?: number
  maxBuffered?: number
  /** Give up after failing retryably this long (CLI); default: retry while the process lives (collector). */
  maxRetryMs?: number
  log?: (line: string) => void
  /** Each batch once stored (alerts, metrics). */
  onStored?(records: StartupRecord[]): void
  /** Imports: never let a record replace a stored one that knows more (startupEvidence). */
  keepRicherStored?: boolean
  onFlushError?(name: string, error: Error, attempt: number): void
  /** The writer's clock; default Date.now. */
  now?: () => number
  /** ISO time retention counts from for every record written (imports with --keep-old); default created_at. */
  retainFrom?: string
}

export interface StartupSinkStats {
  /** Records stored. */
  stored: number
  /** Records set aside, by `pod_startups:<category>`. */
  rejected: Record<string, number>
  /** Values nulled or capped, by reason. */
  corrected: Record<string, number>
  /** Records not written because the stored version knows more (imports). */
  keptStored: number
}

interface Queued {
  record: StartupRecord
  version: number
}

export class StartupSink {
  readonly rejected: RejectedSink
  private readonly writer: BatchWriter<Queued>
  private stored = 0
  private keptStored = 0
  private readonly corrected = new Map<string, number>()
  private readonly now: () => number

  constructor(private readonly opts: StartupSinkOptions) {
    this.now = opts.now ?? Date.now
    this.rejected = new RejectedSink({
      querier: opts.querier,
      cluster: opts.cluster,
      source: opts.source,
      log: opts.log,
      maxRetryMs: opts.maxRetryMs,
    })
    this.writer = new BatchWriter<Queued>({
      name: 'pod_startups',
      batchSize: opts.batchSize ?? 2_000,
      maxBatch: opts.maxBatch,
      flushIntervalMs: opts.flushIntervalMs ?? 1_000,
      maxBuffered: opts.maxBuffered ?? 50_000,
      maxRetryMs: opts.maxRetryMs,
      onFlushError: opts.onFlushError,
      write: (batch) => this.write(batch),
      onRejected: ({ record }, err) =>
        this.rejected.reject({
          target: 'pod_startups',
          key: startupKey(record),
          category: 'store-refused',
          reason: `the store refused it: ${err.message}`,
          record,
        }),
    })
  }

  /** Bounds and queues one record; resolves at once unless a buffer is full (back-pressure). */
  push(record: StartupRecord): void | Promise<void> {
    const b = boundStartupRecord(record, this.now())
    if (!b.ok) {
      return this.rejected.reject({
        target: 'pod_startups',
        key: startupKey(record ?? {}),
        category: b.reason,
        reason: b.message,
        record,
      })
    }
    if (b.corrections.length > 0) {
      for (const c of b.corrections) {
        this.corrected.set(c.reason, (this.corrected.get(c.reason) ?? 0) + 1)
        metrics.recordsCorrected.inc({ table: 'pod_startups', reason: c.reason })
      }
      this.opts.log?.(
        `startup ${startupKey(record)} stored with values nulled: ${describeCorrections(b.corrections)}`,
      )
    }
    return this.writer.push({ record: b.record, version: startupVersion(b.record, this.now()) })
  }

  private async write(batch: Queued[]): Promise<void> {
    let rows = batch
    if (this.opts.keepRicherStored) {
      const stored = await storedStartupEvidence(
        this.opts.querier,
        this.opts.cluster,
        batch.map((b) => b.record),
      )
      rows = batch.filter(({ record }) => {
        const known = stored.get(`${record.namespace}/${record.uid}`)
        return known === undefined || startupEvidence(record) >= known
      })
      this.keptStored += batch.length - rows.length
    }
    await writeStartups(
      this.opts.querier,
      rows.map((b) => b.record),
      rows.map((b) => b.version),
      { bounded: true, ...(this.opts.retainFrom ? { retainFrom: this.opts.retainFrom } : {}) },
    )
    this.stored += rows.length
    this.opts.onStored?.(rows.map((b) => b.record))
  }

  get depth(): number {
    return this.writer.depth + this.rejected.depth
  }

  get failing(): boolean {
    return this.writer.failing || this.rejected.failing
  }

  stats(): StartupSinkStats {
    return {
      stored: this.stored,
      rejected: this.rejected.byReason(),
      corrected: Object.fromEntries(this.corrected),
      keptStored: this.keptStored,
    }
  }

  async flush(deadlineMs?: number): Promise<void> {
    await this.writer.flush(deadlineMs)
    await this.rejected.flush(deadlineMs)
  }

  /** Writes what it can within the deadline, then stops; returns the rows left unwritten per table. */
  async close(deadlineMs = Number.POSITIVE_INFINITY): Promise<Record<string, number>> {
    const until = Date.now() + deadlineMs
    const startups = await this.writer.close(deadlineMs)
    const rejected = await this.rejected.close(Math.max(0, until - Date.now()))
    return { pod_startups: startups, rejected_records: rejected }
  }
}
