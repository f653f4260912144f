// rejected_records (migration 0007): records a writer could not store, kept with the reason so nothing is
// dropped without a trace. The raw JSON is cut to 64 KiB: enough to see what was wrong, never a second copy of
// a huge object.
import { msToCh } from '../rows/codec.ts'
import type { Querier } from '../store/querier.ts'

export const REJECTED_RAW_MAX_BYTES = 64 * 1024

/** Who rejected: the live collector, `podstart import`, or the demo's simulated history. */
export type RejectionSource = 'collect' | 'import' | 'history'

export interface RejectedRecord {
  cluster: string
  source: RejectionSource
  /** Table the record was meant for. */
  target: string
  /** What names it to a person: namespace/pod (uid ...) or an event's name. */
  key: string
  reason: string
  /** The record itself; serialised here. */
  record: unknown
  atMs: number
}

export interface RejectedRecordInsert {
  cluster: string
  rejected_at: string
  source: string
  target: string
  record_key: string
  reason: string
  raw: string
  raw_bytes: number
}

function rawJson(record: unknown): string {
  try {
    return JSON.stringify(record) ?? 'undefined'
  } catch (err) {
    return `unserialisable: ${(err as Error).message}`
  }
}

/** The row for a rejected record; the raw text cut at a character boundary below 64 KiB. */
export function rejectedRow(r: RejectedRecord): RejectedRecordInsert {
  const raw = rawJson(r.record)
  const bytes = Buffer.byteLength(raw)
  let cut = raw
  if (bytes > REJECTED_RAW_MAX_BYTES) {
    cut = Buffer.from(raw)
      .subarray(0, REJECTED_RAW_MAX_BYTES)
      .toString('utf8')
      .replace(/\uFFFD+$/, '')
  }
  return {
    cluster: r.cluster || '?',
    rejected_at: msToCh(r.atMs),
    source: r.source,
    target: r.target,
    record_key: r.key.slice(0, 1024),
    reason: r.reason.slice(0, 4096),
    raw: cut,
    raw_bytes: bytes,
  }
}

export async function insertRejectedRecords(q: Querier, rows: RejectedRecordInsert[]): Promise<void> {
  if (rows.length > 0) await q.insert('rejected_records', rows)
}
