// What the dashboard's answers for a window depend on, as one key: the (hour, rebuild) pairs the rollups serve,
// and a fingerprint of the raw startup and pull rows in the rest of the window. Two equal keys mean every
// startup, pull and rollup question over the window has the same answer, so answers can be kept per key.
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { Querier } from '../../store/querier.ts'
import { type ServedWindow, servedConditions, servedWindow } from './rollup-source.ts'

export interface DashboardSnapshot {
  /** Equal for two reads exactly when the served hours, their rebuilds and the raw rows outside them are equal. */
  key: string
  served: ServedWindow
}

const fingerprintRow = z.object({
  startups: z.coerce.number(),
  startupsHash: z.coerce.string(),
  pulls: z.coerce.number(),
  pullsHash: z.coerce.string(),
})

/**
 * The snapshot of a window: one read of the build and dirty records (servedWindow), then one of the raw rows
 * outside the served hours (the open hour, edges, dirty hours): their count and a sum of hashes of each row's
 * identity and version, so a new row, a new version or a removed row changes it. Rows of served hours change
 * only through the rollup protocol (a write marks its hour dirty, which takes the hour out of the served list
 * until a rebuild with a new number), so the served list stands for them. The window's end is not part of the
 * key: a named range that moved a minute with no new rows in between has the same answers.
 */
export async function dashboardSnapshot(
  q: Querier,
  window: { from: string; to: string },
): Promise<DashboardSnapshot> {
  const served = await servedWindow(q, window)
  const s = servedConditions(served, 'created_at', 's')
  const p = servedConditions(served, 'pod_created_at', 'p')
  const rows = await q.query(
    'dashboardSnapshot',
    `SELECT
       (SELECT count() FROM pod_startups PREWHERE ${s.raw ?? '0'}) AS startups,
       (SELECT toString(sum(cityHash64(cluster, namespace, uid, version))) FROM pod_startups PREWHERE ${s.raw ?? '0'}) AS startupsHash,
       (SELECT count() FROM image_pulls PREWHERE ${p.raw ?? '0'}) AS pulls,
       (SELECT toString(sum(cityHash64(cluster, uid, container, init, version))) FROM image_pulls PREWHERE ${p.raw ?? '0'}) AS pullsHash`,
    { ...s.params, ...p.params },
    fingerprintRow,
  )
  const f = rows[0]
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        window.from,
        served.served.map((r) => [r.bucket, r.rebuild]),
        f ? [f.startups, f.startupsHash, f.pulls, f.pullsHash] : null,
      ]),
    )
    .digest('base64url')
  return { key, served }
}
