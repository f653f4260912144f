// Startup-level questions: count them, page the slowest, fetch one for the pod page.
import { z } from 'zod'
import { PHASE_NAMES, type PhaseName, type StartupRecord } from '../record/types.ts'
import { chTimeOut, uint64Out } from '../rows/codec.ts'
import { IMAGE_PULL_COLUMNS, imagePullRead } from '../rows/image-pulls.ts'
import { POD_STARTUP_COLUMNS, podStartupRead } from '../rows/pod-startups.ts'
import { PHASE_COLUMN, rowToStartupRecord } from '../rows/startup-rows.ts'
import type { Querier } from '../store/querier.ts'
import { startupFilters, startupWhere, timeWindow } from './filters.ts'

export const countStartupsParams = z.object({ cluster: z.string().min(1).optional() })

/** Startups stored (each uid once). */
export const countStartups =
  (q: Querier) =>
  async (input: z.input<typeof countStartupsParams> = {}): Promise<number> => {
    const p = countStartupsParams.parse(input)
    const { where, params } = startupWhere(undefined, p.cluster ? { cluster: p.cluster } : {})
    const rows = await q.query(
      'countStartups',
      `SELECT count() AS n FROM pod_startups FINAL WHERE ${where}`,
      params,
      z.object({ n: uint64Out }),
    )
    return rows[0]?.n ?? 0
  }

export const slowestStartupsParams = timeWindow.extend({
  filters: startupFilters.default({}),
  limit: z.number().int().min(1).max(1000).default(50),
  offset: z.number().int().min(0).default(0),
})

const nullableMs = z.number().int().nullable()
const slowRow = z.object({
  cluster: z.string(),
  namespace: z.string(),
  pod: z.string(),
  uid: z.string(),
  node: z.string().nullable(),
  workload_kind: z.string(),
  workload_name: z.string(),
  created_at: chTimeOut,
  ready_at: chTimeOut,
  total_ms: z.number().int(),
  cold: z.boolean().nullable(),
  images: z.array(z.string()),
  ...Object.fromEntries(PHASE_NAMES.map((p) => [PHASE_COLUMN[p], nullableMs])),
})

export interface SlowStartup {
  cluster: string
  namespace: string
  pod: string
  uid: string
  node: string | null
  workload: { kind: string; name: string } | null
  createdAt: string
  readyAt: string
  totalMs: number
  phases: Record<PhaseName, number | null>
  cold: boolean | null
  images: string[]
}

const candidateRow = z.object({
  cluster: z.string(),
  namespace: z.string(),
  uid: z.string(),
  total_ms: z.number(),
})

/**
 * The slowest rows, exactly as `FINAL ... ORDER BY total_ms DESC, uid` would give them, without FINAL over the
 * whole window (a second at 10M startups). Candidates are the rows of every version at or above the floor (the
 * take-th largest total of any version); their current versions are read by key with FINAL. Exact when there
 * are fewer rows than the take, or the page's last total is at or above the floor: any startup outside the
 * candidates has every matching version, its current one included, below it. Otherwise (many rewrites of slow
 * startups) the plain FINAL query answers.
 */
async function slowestRows(
  q: Querier,
  cols: string[],
  where: string,
  params: Record<string, unknown> & { limit: number; offset: number },
) {
  const want = params.limit + params.offset
  const take = want * 3 + 20
  // The take-th largest total of any version first (one numeric column: no strings sorted), then every row at
  // or above it, read by PREWHERE on total_ms alone (a few granules hold them).
  const [floorRow] = await q.query(
    'slowestStartups.floor',
    `SELECT total_ms FROM pod_startups
     WHERE ${where} AND total_ms IS NOT NULL
     ORDER BY total_ms DESC LIMIT 1 OFFSET {skip:UInt32}`,
    { ...params, skip: take - 1 },
    z.object({ total_ms: z.number() }),
  )
  const candidates = await q.query(
    'slowestStartups.candidates',
    `SELECT cluster, namespace, uid, total_ms FROM pod_startups
     PREWHERE total_ms >= {floor:UInt32}
     WHERE ${where} AND total_ms IS NOT NULL
     ORDER BY total_ms DESC, uid`,
    { ...params, floor: floorRow?.total_ms ?? 0 },
    candidateRow,
  )
  const full = `SELECT ${cols.join(', ')} FROM pod_startups FINAL
       WHERE ${where} AND total_ms IS NOT NULL`
  const page = `ORDER BY total_ms DESC, uid LIMIT {limit:UInt32} OFFSET {offset:UInt32}`
  if (candidates.length === 0) return []
  const rows = await q.query(
    'slowestStartups',
    `${full} AND (cluster, namespace, uid) IN (SELECT c, n, u FROM (SELECT arrayJoin(arrayZip({cc:Array(String)}, {cn:Array(String)}, {cu:Array(String)})) AS t, t.1 AS c, t.2 AS n, t.3 AS u)) ${page}`,
    {
      ...params,
      cc: candidates.map((c) => c.cluster),
      cn: candidates.map((c) => c.namespace),
      cu: candidates.map((c) => c.uid),
    },
    slowRow,
  )
  // Every row (of any version) with a total at or above the floor is a candidate: a startup outside them has
  // every version below it, so it ranks after a page ending at or above it.
  const floor = floorRow?.total_ms ?? 0
  const last = rows[rows.length - 1]
  const complete = !floorRow || (rows.length === params.limit && last && last.total_ms >= floor)
  if (complete) return rows
  return q.query('slowestStartups.final', `${full} ${page}`, params, slowRow)
}

/** A page of ready startups, slowest first (ties by uid so pages are stable). */
export const slowestStartups =
  (q: Querier) =>
  async (input: z.input<typeof slowestStartupsParams>): Promise<SlowStartup[]> => {
    const p = slowestStartupsParams.parse(input)
    const { where, params } = startupWhere(p, p.filters)
    const cols = [
      'cluster',
      'namespace',
      'pod',
      'uid',
      'node',
      'workload_kind',
      'workload_name',
      'created_at',
      'ready_at',
      'total_ms',
      'cold',
      'images',
      ...PHASE_NAMES.map((ph) => PHASE_COLUMN[ph]),
    ]
    const rows = await slowestRows(q, cols, where, { ...params, limit: p.limit, offset: p.offset })
    return rows.map((r) => {
      const raw = r as Record<string, unknown>
      const phases = {} as Record<PhaseName, number | null>
      for (const ph of PHASE_NAMES) phases[ph] = raw[PHASE_COLUMN[ph]] as number | null
      return {
        cluster: r.cluster,
        namespace: r.namespace,
        pod: r.pod,
        uid: r.uid,
        node: r.node,
        workload:
          r.workload_kind || r.workload_name ? { kind: r.workload_kind, name: r.workload_name } : null,
        createdAt: r.created_at,
        readyAt: r.ready_at,
        totalMs: r.total_ms,
        phases,
        cold: r.cold,
        images: r.images,
      }
    })
  }

export const startupByUidParams = z.object({ cluster: z.string().min(1), uid: z.string().min(1) })

/** One startup with its pulls (for the pod page), or null when the uid is not stored. */
export const startupByUid =
  (q: Querier) =>
  async (input: z.input<typeof startupByUidParams>): Promise<StartupRecord | null> => {
    const p = startupByUidParams.parse(input)
    // The highest version without FINAL: the uid's bloom filter (migration 0014) then skips every granule
    // that cannot hold it (FINAL would read the whole cluster's key range to merge versions first).
    const rows = await q.query(
      'startupByUid',
      `SELECT ${POD_STARTUP_COLUMNS.join(', ')} FROM pod_startups
       WHERE cluster = {cluster:String} AND uid = {uid:String}
       ORDER BY version DESC LIMIT 1`,
      p,
      podStartupRead,
    )
    const row = rows[0]
    if (!row) return null
    // Pulls of the same write only: a pull dropped by a later version of the record stays out.
    const pulls = await q.query(
      'startupByUid.pulls',
      `SELECT ${IMAGE_PULL_COLUMNS.join(', ')} FROM image_pulls FINAL
       WHERE cluster = {cluster:String} AND uid = {uid:String} AND version = {version:UInt64}
       ORDER BY pull_index`,
      { ...p, version: row.version },
      imagePullRead,
    )
    return rowToStartupRecord(row, pulls)
  }
