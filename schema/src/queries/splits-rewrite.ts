// Reads and rewrites of stored download/decompress splits: which startups a recomputation touches, their pulls,
// and the startup rows written again under a higher version with new phase sums (ReplacingMergeTree keeps one).
import { z } from 'zod'
import { isoToCh, uint64Out } from '../rows/codec.ts'
import { IMAGE_PULL_COPY_COLUMNS, type ImagePullRead, imagePullRead } from '../rows/image-pulls.ts'
import { POD_STARTUP_COPY_COLUMNS } from '../rows/pod-startups.ts'
import type { Querier } from '../store/querier.ts'

const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'expected ISO-8601 UTC with ms')

export const splitStartupsParams = z.object({
  cluster: z.string().min(1),
  /** Only startups created at or after this time. */
  since: iso.optional(),
  /** Only startups with a pull of one of these references (exact spellings, as in the pod spec). */
  images: z.array(z.string().min(1)).optional(),
  /** ... or of an image whose resolved digest ends with one of these (`sha256:...`). */
  digests: z.array(z.string().regex(/^[a-z0-9]+:[a-f0-9]{32,}$/, 'expected algorithm:hex')).optional(),
  /** Only these pod UIDs. */
  uids: z.array(z.string().min(1)).optional(),
  /** Only startups whose pull phase has no split yet. */
  unsplit: z.boolean().default(false),
  /** Keyset paging: startups with a uid after this one. */
  afterUid: z.string().default(''),
  limit: z.number().int().min(1).max(10_000).default(1_000),
})

const startupRow = z.object({
  uid: z.string(),
  version: uint64Out,
  pull_ms: z.number().int().nullable(),
  /** Hour of created_at, 'YYYY-MM-DD hh:00:00': the rollup bucket the startup counts in. */
  bucket: z.string(),
})
export type SplitStartup = z.output<typeof startupRow>

/** Startups with pulls matching the filters, by uid, one page at a time (deduplicated rows). */
export const splitStartups =
  (q: Querier) =>
  async (input: z.input<typeof splitStartupsParams>): Promise<SplitStartup[]> => {
    const p = splitStartupsParams.parse(input)
    const conds = ['cluster = {cluster:String}', 'uid > {after:String}', 'pulls > 0']
    const params: Record<string, unknown> = { cluster: p.cluster, after: p.afterUid, limit: p.limit }
    if (p.since) {
      conds.push("created_at >= {since:DateTime64(3, 'UTC')}")
      params.since = isoToCh(p.since)
    }
    if (p.unsplit) conds.push('download_ms IS NULL')
    if (p.uids) {
      conds.push('uid IN {uids:Array(String)}')
      params.uids = p.uids
    }
    if (p.images || p.digests) {
      conds.push(`uid IN (SELECT uid FROM image_pulls WHERE cluster = {cluster:String} AND (
        has({images:Array(String)}, image)
        OR arrayExists(d -> endsWith(ifNull(image_digest, ''), d) OR endsWith(image, concat('@', d)), {digests:Array(String)})))`)
      params.images = p.images ?? []
      params.digests = p.digests ?? []
    }
    return q.query(
      'splitStartups',
      `SELECT uid, version, pull_ms, toString(toStartOfHour(created_at)) AS bucket
       FROM pod_startups FINAL
       WHERE ${conds.join(' AND ')}
       ORDER BY uid
       LIMIT {limit:UInt32}`,
      params,
      startupRow,
    )
  }

/** Every stored pull of these startups (deduplicated), all versions still present under FINAL. */
export const pullsOfStartups =
  (q: Querier) =>
  async (input: { cluster: string; uids: string[] }): Promise<ImagePullRead[]> => {
    if (input.uids.length === 0) return []
    return q.query(
      'pullsOfStartups',
      `SELECT ${IMAGE_PULL_COPY_COLUMNS.join(', ')} FROM image_pulls FINAL
       WHERE cluster = {cluster:String} AND uid IN {uids:Array(String)}
       ORDER BY uid, pull_index`,
      { cluster: input.cluster, uids: input.uids },
      imagePullRead,
    )
  }

export const pullsOnNodeParams = z.object({
  cluster: z.string().min(1),
  node: z.string().min(1),
  /** Pulls that started in [from, to]. */
  from: iso,
  to: iso,
})

/** UIDs of startups with a pull that started on `node` within the window. */
export const startupsPullingOnNode =
  (q: Querier) =>
  async (input: z.input<typeof pullsOnNodeParams>): Promise<string[]> => {
    const p = pullsOnNodeParams.parse(input)
    const rows = await q.query(
      'startupsPullingOnNode',
      `SELECT DISTINCT uid FROM image_pulls FINAL
       WHERE cluster = {cluster:String} AND node = {node:String} AND NOT cached
         AND started_at >= {from:DateTime64(3, 'UTC')} AND started_at <= {to:DateTime64(3, 'UTC')}
       ORDER BY uid`,
      { cluster: p.cluster, node: p.node, from: isoToCh(p.from), to: isoToCh(p.to) },
      z.object({ uid: z.string() }),
    )
    return rows.map((r) => r.uid)
  }

export interface StartupSplitRewrite {
  uid: string
  /** The version the new split was computed from; a startup written since (higher version) is left alone. */
  fromVersion: number
  toVersion: number
  downloadMs: number | null
  decompressMs: number | null
}

const REPLACED = new Set(['download_ms', 'decompress_ms', 'version'])

/**
 * Writes each startup row again, copied from its stored row at `fromVersion`, with the new download and
 * decompress phases under `toVersion`. A row whose version moved on since it was read is not copied.
 */
export async function rewriteStartupSplits(
  q: Querier,
  cluster: string,
  rewrites: StartupSplitRewrite[],
): Promise<void> {
  if (rewrites.length === 0) return
  const pick = (param: string, type: string) =>
    `arrayElement({${param}:Array(${type})}, indexOf({uids:Array(String)}, uid))`
  // Aliases live in the outer SELECT only: an alias named like a column would shadow it in the inner WHERE.
  // The copy keeps retain_from: a rewritten startup keeps the retention it had.
  const select = POD_STARTUP_COPY_COLUMNS.map((c) =>
    !REPLACED.has(c)
      ? c
      : c === 'version'
        ? `${pick('to', 'UInt64')} AS version`
        : `${pick(c === 'download_ms' ? 'download' : 'decompress', 'Nullable(UInt32)')} AS ${c}`,
  )
  await q.command(
    `INSERT INTO pod_startups (${POD_STARTUP_COPY_COLUMNS.join(', ')})
     SELECT ${select.join(', ')}
     FROM (
       SELECT ${POD_STARTUP_COPY_COLUMNS.join(', ')} FROM pod_startups FINAL
       WHERE cluster = {cluster:String} AND uid IN {uids:Array(String)}
         AND version = ${pick('from', 'UInt64')}
     )`,
    {
      cluster,
      uids: rewrites.map((r) => r.uid),
      from: rewrites.map((r) => r.fromVersion),
      to: rewrites.map((r) => r.toVersion),
      download: rewrites.map((r) => r.downloadMs),
      decompress: rewrites.map((r) => r.decompressMs),
    },
  )
}
