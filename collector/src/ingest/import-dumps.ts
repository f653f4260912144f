// Loads kubectl dumps or NDJSON watch streams into the store through the lifecycle engine, and containerd
// debug logs as measured splits. The library half of `podstart import` (also used by `podstart up --demo`).
import { createReadStream, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { StartupRecord } from '@podstart/schema/record'
import { refreshRollups, writeStartups } from '@podstart/schema/rollups'
import { importMeasuredSplits, type MeasuredImportSummary } from '@podstart/schema/splits'
import type { createQuerier } from '@podstart/schema/store'
import { eventRow, type PodEventRow } from '../collect/event-rows.ts'
import { nodeRow } from '../collect/inventory.ts'
import type { KubeJson } from '../kube/list-watch.ts'
import { LifecycleEngine } from '../lifecycle/index.ts'
import { type LayerApply, logFileLines, parseContainerdLog } from '../pulls/containerd-log.ts'
import { SplitSources } from '../pulls/split-sources.ts'
import { BatchWriter } from '../sink/batch-writer.ts'
import { startupVersion } from '../sink/startup-version.ts'
import { progress } from '../observability/progress.ts'
import { readDump } from './dump-reader.ts'

export interface ImportSummary {
  files: number
  bytes: number
  updates: number
  startups: number
  events: number
  nodes: number
  problems: number
}

/** Imports dump files into an open store (also used by `podstart up --demo` for simulated history). */
export async function importDumps(
  files: string[],
  querier: ReturnType<typeof createQuerier>,
  opts: { cluster: string; storeEvents?: boolean; quiet?: boolean; splitSources?: SplitSources },
): Promise<ImportSummary> {
  const sources = opts.splitSources ?? (await loadSplitSources(querier, opts.cluster))
  const summary: ImportSummary = {
    files: files.length,
    bytes: 0,
    updates: 0,
    startups: 0,
    events: 0,
    nodes: 0,
    problems: 0,
  }
  const startups = new BatchWriter<StartupRecord>({
    name: 'pod_startups',
    batchSize: 5_000,
    maxBuffered: 20_000,
    write: async (batch) => {
      const now = Date.now()
      await writeStartups(
        querier,
        batch,
        batch.map((r) => startupVersion(r, now)),
      )
      summary.startups += batch.length
    },
  })
  const events = new BatchWriter<PodEventRow>({
    name: 'pod_events',
    batchSize: 20_000,
    maxBuffered: 60_000,
    write: (batch) => querier.insert('pod_events', batch),
  })
  const nodes = new BatchWriter<object>({ name: 'nodes', write: (batch) => querier.insert('nodes', batch) })
  let waits: Promise<void>[] = []
  const engine = new LifecycleEngine({
    cluster: opts.cluster,
    splitRates: sources.splitRates,
    imageProfile: sources.imageProfile,
    onRecord: (record, final) => {
      if (!final) return
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
      onProblem: (p) => {
        summary.problems++
        process.stderr.write(`podstart import: ${p.file}: ${p.position}: ${p.message}\n`)
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
      const obj = update.object as KubeJson
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
    const w = startups.push(record)
    if (w) await w
  }
  await Promise.all([startups.close(), events.close(), nodes.close()])
  // Imported history is mostly closed hours: build their dashboard rollups now rather than on first view.
  while ((await refreshRollups(querier)).more) {}
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

