// Hours a grain table with per-bucket 'all' rows serves: hours the startup rollups serve whose rebuild wrote the
// table in full (its 'all' rows count the build's startups). An hour built before the table's migration, or whose
// rows there expired, is then read from the raw rows, never as zeros.
import { z } from 'zod'
import type { Querier } from '../store/querier.ts'
import { rawRanges, type ServedWindow, servedConditions, servedWindow } from './dashboard/rollup-source.ts'

/** Grain tables whose rebuild writes one 'all' row per bucket with the startups it counted. */
export type AllRowsTable = 'startup_image_grains' | 'pull_group_grains' | 'pull_minute_grains'

const servedRow = z.object({ bucket: z.coerce.number(), rebuild: z.coerce.number().int() })

/** The served window of `tables` (each must hold the build's count), the rest of the window as raw ranges. */
export async function servedWithAllRows(
  q: Querier,
  window: { from: string; to: string },
  tables: readonly AllRowsTable[],
  name: string,
): Promise<ServedWindow> {
  const all = await servedWindow(q, window)
  if (all.served.length === 0) return all
  const cond = servedConditions(all, 'created_at', 'r')
  const complete = tables
    .map(
      (t) => `
       AND (bucket, rebuild, startups) IN (SELECT bucket, rebuild, sum(startups) FROM ${t}
                                            WHERE grain = 'all' AND ${cond.rollup} GROUP BY bucket, rebuild)`,
    )
    .join('')
  const rows = await q.query(
    name,
    `SELECT toUnixTimestamp(bucket) AS bucket, rebuild FROM startup_rollup_builds
     WHERE ${cond.rollup}${complete}
     ORDER BY bucket`,
    cond.params,
    servedRow,
  )
  const served = rows.map((r) => ({ bucket: r.bucket * 1000, rebuild: r.rebuild }))
  return {
    served,
    ranges: rawRanges(
      Date.parse(window.from),
      Date.parse(window.to),
      served.map((r) => r.bucket),
    ),
  }
}
