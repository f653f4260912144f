// Writes startup records as pod_startups + image_pulls rows. Every record is bounded against the columns first
// (startup-bounds.ts); one that does not fit is refused by name with a non-retryable error, before anything of
// the batch is written.
import type { StartupRecord } from '../record/types.ts'
import { imagePullInsert } from '../rows/image-pulls.ts'
import { podStartupInsert } from '../rows/pod-startups.ts'
import { startupToRows } from '../rows/startup-rows.ts'
import { StoreError } from '../store/errors.ts'
import { JsonRows, type Querier } from '../store/querier.ts'
import { boundStartupRecord, describeCorrections } from './startup-bounds.ts'

/** A record the store cannot take as it is: retrying cannot help; the writer isolates and sets it aside. */
export class RecordRejectedError extends StoreError {
  override name = 'RecordRejectedError'
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message, { retryable: false, exitCode: 1 })
  }
}

function rowProblem(
  schema: {
    safeParse(v: unknown): {
      success: boolean
      error?: { issues: { path: PropertyKey[]; message: string }[] }
    }
  },
  row: object,
): string | undefined {
  const r = schema.safeParse(row)
  if (r.success) return undefined
  const issue = r.error?.issues[0]
  return `${issue?.path.join('.')}: ${issue?.message}`
}

export interface InsertStartupsOptions {
  /** Every record already went through boundStartupRecord (the writers do it before queueing): skip the check. */
  bounded?: boolean
  /** ISO time retention counts from for these startups and their pulls (import --keep-old); default created_at. */
  retainFrom?: string
}

/**
 * Writes records with one version each (the writer's ms clock, ranked by what the record knows: see
 * startupVersion in the collector; a later version of the same uid replaces the earlier). Pulls go first: a
 * startup row is never visible without the pulls of its version.
 */
export async function insertStartups(
  q: Querier,
  records: StartupRecord[],
  version: number | readonly number[],
  opts: InsertStartupsOptions = {},
): Promise<void> {
  if (typeof version !== 'number' && version.length !== records.length)
    throw new Error(`${records.length} startup records were given ${version.length} versions`)
  // Each row encoded once, as it is made (JSONEachRow lines): the store takes the text as it is.
  const startups: string[] = []
  const pulls: string[] = []
  const now = Date.now()
  records.forEach((record, i) => {
    if (!opts.bounded) {
      const where = `startup record ${i} (uid ${(record as { uid?: unknown } | null)?.uid ?? '?'})`
      const b = boundStartupRecord(record, now)
      if (!b.ok) throw new RecordRejectedError(`${where} cannot be stored: ${b.message}`, i)
      if (b.corrections.length > 0)
        throw new RecordRejectedError(
          `${where} does not fit the store's columns: ${describeCorrections(b.corrections)}`,
          i,
        )
    }
    const rows = startupToRows(
      record,
      typeof version === 'number' ? version : (version[i] as number),
      opts.retainFrom,
    )
    if (!opts.bounded) {
      // The row schemas are the columns' types; bounded records fit them by construction (tested).
      const problem =
        rowProblem(podStartupInsert, rows.startup) ??
        rows.pulls.map((p) => rowProblem(imagePullInsert, p)).find((x) => x !== undefined)
      if (problem) throw new RecordRejectedError(`startup record ${i} does not fit its rows: ${problem}`, i)
    }
    startups.push(JSON.stringify(rows.startup))
    for (const p of rows.pulls) pulls.push(JSON.stringify(p))
  })
  await q.insert('image_pulls', new JsonRows(pulls))
  await q.insert('pod_startups', new JsonRows(startups))
}
