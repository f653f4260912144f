// Loads kubectl dumps or NDJSON watch streams into the store through the lifecycle engine, and containerd
// debug logs as measured splits. The library half of `podstart import` (also used by `podstart up --demo`).
import { randomUUID } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { StartupRecord } from '@podstart/schema/record'
import { refreshRollups } from '@podstart/schema/rollups'
import { importMeasuredSplits, type MeasuredImportSummary } from '@podstart/schema/splits'
import type { createQuerier } from '@podstart/schema/store'
import { createdStorable, recordImportRun } from '@podstart/schema/writes'
import { nodeRow } from '../collect/inventory.ts'
import { LifecycleEngine } from '../lifecycle/index.ts'
import type { KubeObject } from '../lifecycle/kube-object.ts'
import { logger } from '../observability/log.ts'
import { progress } from '../observability/progress.ts'
import { type LayerApply, logFileLines, parseContainerdLog } from '../pulls/containerd-log.ts'
import { SplitSources } from '../pulls/split-sources.ts'
import { BatchWriter } from '../sink/batch-writer.ts'
import { eventRow, type PodEventRow } from '../sink/event-rows.ts'
import { StartupSink } from '../sink/startup-sink.ts'
import { readDump } from './dump-reader.ts'
import {
  importRetention,
  prescanOutsideRetention,
  RetentionGate,
  retentionNotice,
} from './import-retention.ts'

/** Lines about the run (notices, input problems, records set aside); `podstart import` names itself in them. */
const log = logger()

export interface ImportSummary {
  files: number
  bytes: number
  updates: number
  startups: number
  events: number
  nodes: number
  problems: number
  /** Startups created before `retention.cutoff` and not stored (no keepOld): counted as rejected. */
  refused: number
  /** Retention the import ran under; `outside`: startups created before the cutoff (refused or kept). */
  retention: { days: number; cutoff: string; keptOld: boolean; outside: number }
  /** created_at range of the startups stored (null when none was), as recorded in import_runs. */
  storedRange: { from: string; to: string } | null
  /** Records set aside in rejected_records, by `table:reason` (each also named on stderr). */
  rejected: Record<string, number>
  /** Values nulled or capped to fit the store, by reason (durations past 30 days, times out of range). */
  corrected: Record<string, number>
  /** Startups not written because the stored version knows more (a truncated copy of a dump re-imported). */
  keptStored: number
}

/** The store stayed unreachable past the writers' retry bound: what was left is named per table. */
class ImportStoreError extends Error {
  override name = 'ImportStoreError'
  readonly exitCode = 3
  constructor(readonly unwritten: Record<string, number>) {
    const parts = Object.entries(unwritten)
      .filter(([, n]) => n > 0)
      .map(([t, n]) => `${n} ${t}`)
    super(`the store stopped taking writes; left unwritten: ${parts.join(', ')}`)
  }
}

/** Imports dump files into an open store (also used by `podstart up --demo` for simulated history). */
export async function importDumps(
  files: string[],
  querier: ReturnType<typeof createQuerier>,
  opts: {
    cluster: string
    storeEvents?: boolean
    quiet?: boolean
    splitSources?: SplitSources
    /** Store startups older than the retention too, counting their retention from now (retain_from). */
    keepOld?: boolean
    /** Give up when the store fails writes this long (default 60 s): an import never hangs silently. */
    maxRetryMs?: number
    /** Longest line (or List item) read; a longer one is skipped and reported. Default 4 MiB. */
    maxLineBytes?: number
  },
): Promise<ImportSummary> {
  const startedMs = Date.now()
  const sources = opts.splitSources ?? (await loadSplitSources(querier, opts.cluster))
  // Retention: said before anything is written for files; stdin is decided per record and said at the end.
  const gate = new RetentionGate(
    await importRetention(querier, { nowMs: startedMs, keepOld: opts.keepOld === true }),
  )
  const pre = await prescanOutsideRetention(files, gate.retention.cutoffMs, opts.maxLineBytes)
  if (pre.outside > 0)
    log.warn(retentionNotice(gate.retention, { outside: pre.outside, of: pre.pods, noun: 'pods' }))
  const summary: ImportSummary = {
    files: files.length,
    bytes: 0,
    updates: 0,
    startups: 0,
    events: 0,
    nodes: 0,
    problems: 0,
    refused: 0,
    retention: {
      days: gate.retention.days,
      cutoff: gate.retention.cutoff,
      keptOld: gate.retention.keepOld,
      outside: 0,
    },
    storedRange: null,
    rejected: {},
    corrected: {},
    keptStored: 0,
  }
  // Every record is bounded before it is queued; one the store cannot take is set aside in rejected_records
  // and named on stderr, never blocking the good records behind it. A store that stays unreachable for a
  // minute ends the import (exit 3) instead of hanging it.
  const startups = new StartupSink({
    querier,
    cluster: opts.cluster,
    source: 'import',
    batchSize: 5_000,
    maxBuffered: 20_000,
    maxRetryMs: opts.maxRetryMs ?? 60_000,
    keepRicherStored: true,
    retainFrom: opts.keepOld ? gate.retention.retainFrom : undefined,
    log: (line) => {
      if (!opts.quiet) log.info(line)
    },
    onStored: (batch) => {
      gate.noteStored(batch)
      summary.startups += batch.length
    },
  })
  const events = new BatchWriter<PodEventRow>({
    name: 'pod_events',
    batchSize: 20_000,
    maxBuffered: 60_000,
    maxRetryMs: opts.maxRetryMs ?? 60_000,
    write: (batch) => querier.insert('pod_events', batch),
    onRejected: (row, err) =>
      startups.rejected.reject({
        target: 'pod_events',
        key: `${row.namespace}/${row.event_name}`,
        category: 'store-refused',
        reason: `the store refused it: ${err.message}`,
        record: row,
      }),
  })
  const nodes = new BatchWriter<object>({
    name: 'nodes',
    maxRetryMs: opts.maxRetryMs ?? 60_000,
    write: (batch) => querier.insert('nodes', batch),
  })
  // A record that cannot be stored at all goes to the sink, which sets it aside with that reason; only
  // storable records are measured against retention.
  const admit = (record: StartupRecord) =>
    !createdStorable(record.createdAt, Date.now()) || gate.admit(record)
  let waits: Promise<void>[] = []
  const engine = new LifecycleEngine({
    cluster: opts.cluster,
    splitRates: sources.splitRates,
    imageProfile: sources.imageProfile,
    onRecord: (record, final) => {
      if (!final || !admit(record)) return
      const w = startups.push(record)
      if (w) waits.push(w)
    },
  })
  const total = files.reduce((n, f) => n + (f === '-' ? 0 : statSync(f).size), 0)
  const bar = opts.quiet ? null : progress('import', total || null)
  let lastObserved = Number.NEGATIVE_INFINITY
  for (const file of files) {
    const input = file === '-' ? process.stdin : createReadStream(file)
    const before = summary.bytes
    for await (const { update, observedAtMs } of readDump(file, input, {
      ...(opts.maxLineBytes ? { maxLineBytes: opts.maxLineBytes } : {}),
      onProblem: (p) => {
        summary.problems++
        log.warn(`${p.file}: ${p.position}: ${p.message}`)
      },
      onProgress: (bytes) => {
        summary.bytes = before + bytes
        bar?.update(summary.bytes, `${summary.startups} startups`)
      },
    })) {
      summary.updates++
      const at = observedAtMs ?? Number.NaN
      if (observedAtMs !== undefined && observedAtMs > lastObserved) lastObserved = observedAtMs
      engine.observe(update, at)
      const obj = update.object as KubeObject
      const receivedAt = Number.isNaN(at) ? Date.now() : at
      if (obj.kind === 'Event' && opts.storeEvents !== false) {
        const row = eventRow(opts.cluster, obj, receivedAt)
        if (row) {
          summary.events++
          const w = events.push(row)
          if (w) waits.push(w)
        }
      } else if (obj.kind === 'Node') {
        summary.nodes++
        const row = nodeRow(opts.cluster, obj, update.type === 'DELETED', receivedAt)
        sources.noteNode(row)
        const w = nodes.push(row)
        if (w) waits.push(w)
      }
      if (waits.length > 0) {
        await Promise.all(waits)
        waits = []
      }
      if (summary.updates % 10_000 === 0 && Number.isFinite(lastObserved)) engine.tick(lastObserved)
    }
  }
  for (const record of engine.drain(Number.isFinite(lastObserved) ? lastObserved : Date.now())) {
    if (!admit(record)) continue
    const w = startups.push(record)
    if (w) await w
  }
  const left = await Promise.all([startups.close(), events.close(), nodes.close()])
  const unwritten = { ...left[0], pod_events: left[1], nodes: left[2] }
  if (Object.values(unwritten).some((n) => n > 0)) throw new ImportStoreError(unwritten)
  const sinkStats = startups.stats()
  summary.rejected = sinkStats.rejected
  summary.corrected = sinkStats.corrected
  summary.keptStored = sinkStats.keptStored
  // Imported history is mostly closed hours: build their dashboard rollups now rather than on first view.
  while ((await refreshRollups(querier)).more) {}
  summary.refused = gate.refused
  summary.retention.outside = gate.outside
  const [minCreatedAt, maxCreatedAt] = [gate.minCreatedAt, gate.maxCreatedAt]
  summary.storedRange = minCreatedAt && maxCreatedAt ? { from: minCreatedAt, to: maxCreatedAt } : null
  if (files.includes('-') && gate.outside > pre.outside)
    log.warn(retentionNotice(gate.retention, { outside: gate.outside, of: gate.seen, noun: 'startups' }))
  await recordImportRun(querier, {
    cluster: opts.cluster,
    id: randomUUID(),
    files,
    startedAt: new Date(startedMs).toISOString(),
    finishedAt: new Date().toISOString(),
    stored: gate.stored,
    refused: gate.refused,
    rejected: Object.values(summary.rejected).reduce((a, b) => a + b, 0),
    outsideRetention: gate.outside,
    retentionDays: gate.retention.days,
    cutoff: gate.retention.cutoff,
    keptOld: gate.retention.keepOld,
    minCreatedAt,
    maxCreatedAt,
  })
  bar?.finish(`${summary.startups} startups, ${summary.events} events, ${summary.nodes} nodes`)
  return summary
}

/** Split lookups from the store; a store without the profile or node tables splits with the defaults. */
async function loadSplitSources(
  querier: ReturnType<typeof createQuerier>,
  cluster: string,
): Promise<SplitSources> {
  try {
    return await SplitSources.load(querier, cluster)
  } catch {
    return new SplitSources(cluster)
  }
}

/** Reads one node's containerd log and writes measured splits for the stored pulls its layers match. */
export async function importContainerdLog(
  file: string,
  querier: ReturnType<typeof createQuerier>,
  opts: { cluster: string; node: string },
): Promise<MeasuredImportSummary> {
  const applies: LayerApply[] = []
  const lines =
    file === '-' ? createInterface({ input: process.stdin, crlfDelay: Infinity }) : logFileLines(file)
  for await (const a of parseContainerdLog(lines)) applies.push(a)
  const sources = await SplitSources.load(querier, opts.cluster)
  return importMeasuredSplits(querier, {
    cluster: opts.cluster,
    node: opts.node,
    applies,
    layersOf: sources.layersOf,
  })
}
