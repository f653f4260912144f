// Where refused records go: rejected_records (with the raw JSON and the reason), a counter on /metrics, and a
// count the caller can print. Its own writes retry like any other; a row even rejected_records refuses is
// counted and logged (by key and reason, never the raw text), so a rejection is never silent.
import type { Querier } from '@podstart/schema/store'
import {
  insertRejectedRecords,
  type RejectedRecordInsert,
  type RejectionSource,
  rejectedRow,
} from '@podstart/schema/writes'
import { metrics } from '../observability/metrics.ts'
import { BatchWriter } from './batch-writer.ts'

export interface Rejection {
  /** Table the record was meant for. */
  target: string
  key: string
  /** Short, bounded category for the metric (e.g. created-out-of-range, store-refused). */
  category: string
  /** The whole reason for a person. */
  reason: string
  record: unknown
}

export interface RejectedSinkOptions {
  querier: Querier
  cluster: string
  source: RejectionSource
  log?: (line: string) => void
  maxRetryMs?: number
}

export class RejectedSink {
  private readonly writer: BatchWriter<RejectedRecordInsert>
  private readonly counts = new Map<string, number>()

  constructor(private readonly opts: RejectedSinkOptions) {
    this.writer = new BatchWriter<RejectedRecordInsert>({
      name: 'rejected_records',
      batchSize: 500,
      maxBuffered: 10_000,
      maxRetryMs: opts.maxRetryMs,
      write: (rows) => insertRejectedRecords(opts.querier, rows),
      onRejected: (row, err) => {
        metrics.recordsRejected.inc({ table: 'rejected_records', reason: 'unkept' })
        opts.log?.(`rejected record ${row.record_key} (${row.reason}) not kept either: ${err.message}`)
      },
      onFlushError: (_name, err, attempt) => {
        if (attempt === 1 || attempt % 10 === 0)
          opts.log?.(`store write to rejected_records failed (attempt ${attempt}), retrying: ${err.message}`)
      },
    })
  }

  /** Sets one record aside; resolves at once unless the rejected buffer itself is full. */
  reject(r: Rejection): void | Promise<void> {
    const k = `${r.target}:${r.category}`
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1)
    metrics.recordsRejected.inc({ table: r.target, reason: r.category })
    // Every rejection is counted; the log names the first ones of each kind and then every thousandth, so
    // forged input cannot flood it.
    const n = this.counts.get(k) ?? 0
    if (n <= 20 || n % 1000 === 0)
      this.opts.log?.(
        `rejected ${r.target} record ${r.key}: ${r.reason}${n === 20 ? ' (further ones of this kind: every 1000th)' : ''}`,
      )
    return this.writer.push(
      rejectedRow({
        cluster: this.opts.cluster,
        source: this.opts.source,
        target: r.target,
        key: r.key,
        reason: r.reason,
        record: r.record,
        atMs: Date.now(),
      }),
    )
  }

  /** Rejections so far by `table:category`. */
  byReason(): Record<string, number> {
    return Object.fromEntries(this.counts)
  }

  get total(): number {
    let n = 0
    for (const v of this.counts.values()) n += v
    return n
  }

  get depth(): number {
    return this.writer.depth
  }

  get failing(): boolean {
    return this.writer.failing
  }

  flush(deadlineMs?: number): Promise<void> {
    return this.writer.flush(deadlineMs)
  }

  close(deadlineMs?: number): Promise<number> {
    return this.writer.close(deadlineMs)
  }
}
