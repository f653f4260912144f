// Retention for `podstart import`: which startups fall outside the pod_startups retention in force (created
// before now - N days), counted before anything is written (a first pass over the files' pods) and decided per
// record; by default they are refused, with --keep-old they are stored to count retention from the import.
import { createReadStream } from 'node:fs'
import type { StartupRecord } from '@podstart/schema/record'
import { type createQuerier, retentionInForce } from '@podstart/schema/store'
import type { KubeObject } from '../lifecycle/kube-object.ts'
import { readDump } from './dump-reader.ts'

const DAY_MS = 86_400_000

export interface ImportRetention {
  /** pod_startups retention in force (days) and whether it was read from the store (else the default). */
  days: number
  fromStore: boolean
  /** ISO: startups created before it are outside retention. */
  cutoff: string
  cutoffMs: number
  keepOld: boolean
  /** ISO: what retain_from is set to with --keep-old (the import's start). */
  retainFrom: string
}

/** The cutoff of an import starting at `nowMs`, from the retention the store has in force. */
export async function importRetention(
  q: ReturnType<typeof createQuerier>,
  opts: { nowMs: number; keepOld: boolean },
): Promise<ImportRetention> {
  const { days, fromStore } = await retentionInForce(q, 'pod_startups')
  const cutoffMs = opts.nowMs - days * DAY_MS
  return {
    days,
    fromStore,
    cutoff: new Date(cutoffMs).toISOString(),
    cutoffMs,
    keepOld: opts.keepOld,
    retainFrom: new Date(opts.nowMs).toISOString(),
  }
}

export interface PrescanResult {
  /** Pods seen (each UID once), and those created before the cutoff. */
  pods: number
  outside: number
}

/**
 * First pass over dump files (not stdin): each pod's creationTimestamp only, nothing written. Problems in the
 * input are left for the import's own pass to report.
 */
export async function prescanOutsideRetention(
  files: string[],
  cutoffMs: number,
  maxLineBytes?: number,
): Promise<PrescanResult> {
  const created = new Map<string, number>()
  for (const file of files) {
    if (file === '-') continue
    for await (const { update } of readDump(file, createReadStream(file), {
      onProblem: () => undefined,
      ...(maxLineBytes ? { maxLineBytes } : {}),
    })) {
      const obj = update.object as KubeObject
      if (obj.kind !== 'Pod') continue
      const meta = obj.metadata as { uid?: unknown; creationTimestamp?: unknown } | undefined
      if (typeof meta?.uid !== 'string' || typeof meta.creationTimestamp !== 'string') continue
      const ms = Date.parse(meta.creationTimestamp)
      if (Number.isFinite(ms) && !created.has(meta.uid)) created.set(meta.uid, ms)
    }
  }
  let outside = 0
  for (const ms of created.values()) if (ms < cutoffMs) outside++
  return { pods: created.size, outside }
}

/** The cutoff to the minute, UTC: "2026-06-06 13:26 UTC". */
export function cutoffText(r: Pick<ImportRetention, 'cutoff'>): string {
  return `${r.cutoff.slice(0, 10)} ${r.cutoff.slice(11, 16)} UTC`
}

/** The line said before writing (files) or at the end (stdin), e.g. "12 of 16 pods were created before ...". */
export function retentionNotice(
  r: ImportRetention,
  count: { outside: number; of: number; noun: 'pods' | 'startups' },
): string {
  const head = `${count.outside} of ${count.of} ${count.noun} ${count.outside === 1 ? 'was' : 'were'} created before ${cutoffText(r)}, outside pod_startups' ${r.days}-day retention`
  return r.keepOld
    ? `${head}: kept (--keep-old), they expire ${r.days} days after this import`
    : `${head}: not imported; --keep-old keeps them`
}

/** Per-record decision and the figures of what was stored. */
export class RetentionGate {
  /** Final records decided, those created before the cutoff, and those of them refused. */
  seen = 0
  outside = 0
  refused = 0
  stored = 0
  minCreatedMs = Number.POSITIVE_INFINITY
  maxCreatedMs = Number.NEGATIVE_INFINITY

  constructor(readonly retention: ImportRetention) {}

  /** Whether the record goes to the writer (counted either way). */
  admit(record: StartupRecord): boolean {
    this.seen++
    const ms = Date.parse(record.createdAt)
    const old = Number.isFinite(ms) && ms < this.retention.cutoffMs
    if (old) this.outside++
    if (old && !this.retention.keepOld) {
      this.refused++
      return false
    }
    return true
  }

  /** Records the store took (called from the writer after a batch landed). */
  noteStored(records: readonly StartupRecord[]): void {
    for (const r of records) {
      const ms = Date.parse(r.createdAt)
      if (!Number.isFinite(ms)) continue
      this.stored++
      if (ms < this.minCreatedMs) this.minCreatedMs = ms
      if (ms > this.maxCreatedMs) this.maxCreatedMs = ms
    }
  }

  get minCreatedAt(): string | null {
    return Number.isFinite(this.minCreatedMs) ? new Date(this.minCreatedMs).toISOString() : null
  }

  get maxCreatedAt(): string | null {
    return Number.isFinite(this.maxCreatedMs) ? new Date(this.maxCreatedMs).toISOString() : null
  }
}
