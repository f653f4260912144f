// Writes one row of import_runs per `podstart import` (read back by queries/imports.ts).
import type { ImportRun } from '../queries/imports.ts'
import { isoToCh, isoToChOrNull } from '../rows/codec.ts'
import type { Querier } from '../store/querier.ts'

/** Only a file's base name is kept: paths can name users and directories nobody asked to publish. */
export function importFileName(file: string): string {
  if (file === '-') return '-'
  const parts = file.split(/[\\/]/).filter((p) => p !== '')
  return parts[parts.length - 1] ?? file
}

/** Writes one import run's record. */
export async function recordImportRun(q: Querier, run: ImportRun): Promise<void> {
  await q.insert('import_runs', [
    {
      cluster: run.cluster,
      id: run.id,
      files: run.files.map(importFileName),
      started_at: isoToCh(run.startedAt),
      finished_at: isoToCh(run.finishedAt),
      stored: run.stored,
      refused: run.refused,
      rejected: run.rejected,
      outside_retention: run.outsideRetention,
      retention_days: run.retentionDays,
      cutoff: isoToCh(run.cutoff),
      kept_old: run.keptOld,
      min_created_at: isoToChOrNull(run.minCreatedAt),
      max_created_at: isoToChOrNull(run.maxCreatedAt),
    },
  ])
}
