// Import runs (import_runs, migration 0008): what each `podstart import` read, stored and refused, and the time
// range of the startups it stored, so the dashboard can open a dump on its own range (written by writes/imports.ts).
import { z } from 'zod'
import { chTimeOut, uint64Out } from '../rows/codec.ts'
import type { Querier } from '../store/querier.ts'

export interface ImportRun {
  cluster: string
  id: string
  /** Base names of the files read (- for stdin). */
  files: string[]
  startedAt: string
  finishedAt: string
  /** Startups stored. */
  stored: number
  /** Startups created before the cutoff and not stored (no --keep-old). */
  refused: number
  /** Records the store could not take (rejected_records). */
  rejected: number
  /** Startups created before the cutoff: refused, or stored with --keep-old. */
  outsideRetention: number
  /** pod_startups retention in force at the start (days), and startedAt minus it. */
  retentionDays: number
  cutoff: string
  keptOld: boolean
  /** created_at range of the startups stored; null when none was. */
  minCreatedAt: string | null
  maxCreatedAt: string | null
}

const HOUR_MS = 3_600_000

export const importRunsParams = z.object({
  cluster: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
})

const importRow = z.object({
  cluster: z.string(),
  id: z.string(),
  files: z.array(z.string()),
  started_at: chTimeOut,
  finished_at: chTimeOut,
  stored: uint64Out,
  refused: uint64Out,
  rejected: uint64Out,
  outside_retention: uint64Out,
  retention_days: z.coerce.number().int(),
  cutoff: chTimeOut,
  kept_old: z.union([z.boolean(), z.number()]).transform(Boolean),
  min_created_at: chTimeOut.nullable(),
  max_created_at: chTimeOut.nullable(),
})

/** Import runs, latest first. */
export const listImportRuns =
  (q: Querier) =>
  async (input: z.input<typeof importRunsParams> = {}): Promise<ImportRun[]> => {
    const p = importRunsParams.parse(input)
    const rows = await q.query(
      'listImportRuns',
      `SELECT cluster, id, files, started_at, finished_at, stored, refused, rejected, outside_retention,
         retention_days, cutoff, kept_old, min_created_at, max_created_at
       FROM import_runs
       WHERE {cluster:Nullable(String)} IS NULL OR cluster = {cluster:Nullable(String)}
       ORDER BY started_at DESC, id
       LIMIT {limit:UInt32}`,
      { cluster: p.cluster ?? null, limit: p.limit },
      importRow,
    )
    return rows.map((r) => ({
      cluster: r.cluster,
      id: r.id,
      files: r.files,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      stored: r.stored,
      refused: r.refused,
      rejected: r.rejected,
      outsideRetention: r.outside_retention,
      retentionDays: r.retention_days,
      cutoff: r.cutoff,
      keptOld: r.kept_old,
      minCreatedAt: r.min_created_at,
      maxCreatedAt: r.max_created_at,
    }))
  }

/**
 * The window holding every startup an import stored: whole hours from the hour of the first to the end of the
 * hour of the last (so the rollups answer it), as ISO times with ms; null when it stored none.
 */
export function importRunWindow(
  run: Pick<ImportRun, 'minCreatedAt' | 'maxCreatedAt'>,
): { from: string; to: string } | null {
  if (!run.minCreatedAt || !run.maxCreatedAt) return null
  const min = Date.parse(run.minCreatedAt)
  const max = Date.parse(run.maxCreatedAt)
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return null
  const from = Math.floor(min / HOUR_MS) * HOUR_MS
  const to = (Math.floor(max / HOUR_MS) + 1) * HOUR_MS
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() }
}
