// Advice signals from the cluster inventory: the latest image profiles (measured rates per tool) and the
// workloads that pull digest-pinned images with imagePullPolicy Always, with what their repeat pulls cost.
import { z } from 'zod'
import { chTimeOut, isoToCh } from '../rows/codec.ts'
import type { Querier } from '../store/querier.ts'
import {
  type AdviceSignalParams,
  adviceSignalParams,
  COLD_PULL,
  chNumber,
  chNumberOrNull,
  joinedPulls,
  nearestRankExact,
  type PullSource,
} from './advice-window.ts'

export const imageProfilesLatestParams = z.object({ cluster: z.string().min(1).optional() })

export interface ImageProfileSummaryRow {
  cluster: string
  reference: string
  registry: string
  repository: string
  tag: string
  digest: string
  indexDigest: string
  measuredAt: string
  layerMediaTypes: string[]
  compressedBytes: number
  uncompressedBytes: number
  entries: number
  downloadBytesPerSec: number
  /** Uncompressed bytes per second per inflate tool measured (node-zlib, gzip, pigz, zstd, fzstd, zstd-recompressed). */
  inflateBytesPerSec: Record<string, number>
  extractBytesPerSec: number
}

const profileRow = z.object({
  cluster: z.string(),
  reference: z.string(),
  registry: z.string(),
  repository: z.string(),
  tag: z.string(),
  digest: z.string(),
  index_digest: z.string(),
  measured_at: chTimeOut,
  layer_media_types: z.array(z.string()),
  compressed_bytes: chNumber,
  uncompressed_bytes: chNumber,
  entries: chNumber,
  download_bytes_per_sec: chNumber,
  inflate_bytes_per_sec: z.record(z.string(), chNumber),
  extract_bytes_per_sec: chNumber,
})

/** The newest measurement of each profiled image (per reference and digest). */
export const imageProfilesLatest =
  (q: Querier) =>
  async (input: z.input<typeof imageProfilesLatestParams> = {}): Promise<ImageProfileSummaryRow[]> => {
    const p = imageProfilesLatestParams.parse(input)
    const sql = `SELECT cluster, reference, registry, repository, tag, digest, index_digest, measured_at,
        layer_media_types, compressed_bytes, uncompressed_bytes, entries, download_bytes_per_sec,
        inflate_bytes_per_sec, extract_bytes_per_sec
      FROM image_profiles FINAL
      WHERE ${p.cluster ? 'cluster = {cluster:String}' : '1'}
      ORDER BY cluster, reference, digest, measured_at DESC
      LIMIT 1 BY cluster, reference, digest`
    const rows = await q.query(
      'imageProfilesLatest',
      sql,
      p.cluster ? { cluster: p.cluster } : {},
      profileRow,
    )
    return rows.map((r) => ({
      cluster: r.cluster,
      reference: r.reference,
      registry: r.registry,
      repository: r.repository,
      tag: r.tag,
      digest: r.digest,
      indexDigest: r.index_digest,
      measuredAt: r.measured_at,
      layerMediaTypes: r.layer_media_types,
      compressedBytes: r.compressed_bytes,
      uncompressedBytes: r.uncompressed_bytes,
      entries: r.entries,
      downloadBytesPerSec: r.download_bytes_per_sec,
      inflateBytesPerSec: r.inflate_bytes_per_sec,
      extractBytesPerSec: r.extract_bytes_per_sec,
    }))
  }

export interface AlwaysPullOnDigestRow {
  cluster: string
  namespace: string
  workload: { kind: string; name: string }
  container: string
  init: boolean
  image: string
  /** Successful non-cached pulls of this workload's image in the window. */
  pulls: number
  /** Pulls on a node that had already pulled the image in the window (Always re-pulls; IfNotPresent would not). */
  repeatPulls: number
  repeatMs: number
  repeatP90Ms: number | null
}

export const alwaysRow = z.object({
  cluster: z.string(),
  namespace: z.string(),
  workload_kind: z.string(),
  workload_name: z.string(),
  container: z.string(),
  init: z.boolean(),
  image: z.string(),
  pulls: chNumber,
  repeat_pulls: chNumber,
  repeat_ms: chNumber,
  repeat_p90_ms: chNumberOrNull,
})

const PULL_WAIT = '(toUInt64(ifNull(p.pull_ms, 0)) + ifNull(p.wait_ms, 0))'

/**
 * alwaysPullOnDigest's SQL and its own parameters over a source of the window's pulls. Only the pulls of the
 * workload images the outer query keeps are aggregated (the same condition, as a set): on most clusters few
 * or none.
 */
export function alwaysPullOnDigestSql(
  p: z.output<typeof adviceSignalParams>,
  src: PullSource,
): { sql: string; params: Record<string, unknown> } {
  const conds = [
    "wi.pull_policy = 'Always'",
    'wi.immutable_reference',
    "wi.last_seen_at >= {from:DateTime64(3, 'UTC')}",
  ]
  if (p.cluster) conds.push('wi.cluster = {cluster:String}')
  if (p.namespace) conds.push('wi.namespace = {namespace:String}')
  const sql = `SELECT wi.cluster AS cluster, wi.namespace AS namespace, wi.workload_kind AS workload_kind,
        wi.workload_name AS workload_name, wi.container AS container, wi.init AS init, wi.image AS image,
        a.pulls AS pulls, a.repeat_pulls AS repeat_pulls, a.repeat_ms AS repeat_ms,
        if(a.repeat_pulls > 0, a.repeat_p90_ms, NULL) AS repeat_p90_ms
      FROM workload_images AS wi FINAL
      LEFT JOIN (
        SELECT cluster, namespace, workload_kind, workload_name, image,
          sum(n) AS pulls, sum(n - 1) AS repeat_pulls, sum(total - first) AS repeat_ms,
          arrayReduce('${nearestRankExact(0.9)}', groupArrayArray(rest)) AS repeat_p90_ms
        FROM (
          SELECT p.cluster AS cluster, p.namespace AS namespace, p.workload_kind AS workload_kind,
            p.workload_name AS workload_name, p.image AS image, p.node AS node,
            count() AS n, sum(${PULL_WAIT}) AS total,
            arrayMap(x -> x.2, arraySort(x -> x.1, groupArray((ifNull(p.started_at, p.pod_created_at), ${PULL_WAIT})))) AS ordered,
            ordered[1] AS first, arrayPopFront(ordered) AS rest
          FROM ${src.from}
          WHERE ${COLD_PULL} AND p.node IS NOT NULL
            AND (p.cluster, p.namespace, p.workload_kind, p.workload_name, p.image) IN (
              SELECT wi.cluster, wi.namespace, wi.workload_kind, wi.workload_name, wi.image
              FROM workload_images AS wi FINAL WHERE ${conds.join(' AND ')})
          GROUP BY cluster, namespace, workload_kind, workload_name, image, node
        )
        GROUP BY cluster, namespace, workload_kind, workload_name, image
      ) AS a ON a.cluster = wi.cluster AND a.namespace = wi.namespace AND a.workload_kind = wi.workload_kind
        AND a.workload_name = wi.workload_name AND a.image = wi.image
      WHERE ${conds.join(' AND ')}
      ORDER BY cluster, namespace, workload_name, container`
  return { sql, params: { from: isoToCh(p.from) } }
}

export function decodeAlwaysPullOnDigest(rows: z.output<typeof alwaysRow>[]): AlwaysPullOnDigestRow[] {
  return rows.map((r) => ({
    cluster: r.cluster,
    namespace: r.namespace,
    workload: { kind: r.workload_kind, name: r.workload_name },
    container: r.container,
    init: r.init,
    image: r.image,
    pulls: r.pulls,
    repeatPulls: r.repeat_pulls,
    repeatMs: r.repeat_ms,
    repeatP90Ms: r.repeat_p90_ms,
  }))
}

/** Workload containers with imagePullPolicy Always on a digest reference, and the cost of their repeat pulls. */
export const alwaysPullOnDigest =
  (q: Querier) =>
  async (input: AdviceSignalParams): Promise<AlwaysPullOnDigestRow[]> => {
    const p = adviceSignalParams.parse(input)
    const src = joinedPulls(p)
    const { sql, params } = alwaysPullOnDigestSql(p, src)
    return decodeAlwaysPullOnDigest(
      await q.query('alwaysPullOnDigest', sql, { ...src.params, ...params }, alwaysRow),
    )
  }
