// Pull questions of the images page and the overview: failures over time, pull time by image and size class
// with the download/decompress split and how it was obtained, cache hits per node, concurrent pulls.
import { z } from 'zod'
import { isoToCh } from '../../rows/codec.ts'
import type { Querier } from '../../store/querier.ts'
import { type StartupFilters, startupFilters, timeWindow } from '../filters.ts'

const PULL_FILTER_SQL: Record<keyof StartupFilters, string> = {
  cluster: 'cluster = {cluster:String}',
  namespace: 'namespace = {namespace:String}',
  workload: 'workload_name = {workload:String}',
  node: 'node = {node:String}',
  image: 'image = {image:String}',
}

/** WHERE over image_pulls: the startup's created_at window (pulls belong to their startup) and filters. */
export function pullWhere(window: { from: string; to: string }, filters: StartupFilters) {
  const conds = [
    "pod_created_at >= {from:DateTime64(3, 'UTC')}",
    "pod_created_at < {to:DateTime64(3, 'UTC')}",
  ]
  const params: Record<string, unknown> = { from: isoToCh(window.from), to: isoToCh(window.to) }
  for (const key of Object.keys(PULL_FILTER_SQL) as (keyof StartupFilters)[]) {
    const value = filters[key]
    if (value === undefined) continue
    conds.push(PULL_FILTER_SQL[key])
    params[key] = value
  }
  return { where: conds.join(' AND '), params }
}

/** Image size classes (bytes as the kubelet reported them; see size_kind). */
export const SIZE_CLASSES = ['< 100 MB', '100 MB - 1 GB', '>= 1 GB', 'unknown'] as const
const SIZE_CLASS_SQL =
  "multiIf(size_bytes IS NULL, 'unknown', size_bytes < 100000000, '< 100 MB', size_bytes < 1000000000, '100 MB - 1 GB', '>= 1 GB')"

export const pullParams = timeWindow.extend({
  filters: startupFilters.default({}),
  stepSeconds: z.number().int().min(60).default(3600),
  limit: z.number().int().min(1).max(1000).default(50),
})
export type PullParams = z.input<typeof pullParams>

const num = z.union([z.string(), z.number()]).transform(Number)
const numOrNull = z
  .union([z.string(), z.number(), z.null()])
  .transform((v) => (v === null ? null : Number(v)))

export interface PullFailurePoint {
  at: string
  pulls: number
  failed: number
  /** Failures by reason (ErrImagePull, ImagePullBackOff, ...). */
  reasons: Record<string, number>
}

/** Pulls and failed pulls per time step (a pull that failed and never succeeded has outcome failed/backoff). */
export const pullFailures =
  (q: Querier) =>
  async (input: PullParams): Promise<PullFailurePoint[]> => {
    const p = pullParams.parse(input)
    const { where, params } = pullWhere(p, p.filters)
    const rows = await q.query(
      'pullFailures',
      `SELECT formatDateTime(toStartOfInterval(pod_created_at, toIntervalSecond({step:UInt32})), '%FT%TZ') AS at,
         countIf(NOT cached) AS pulls, countIf(outcome != 'ok') AS failed,
         sumMapIf(map(ifNull(failure_reason, outcome), toUInt64(1)), outcome != 'ok') AS reasons
       FROM image_pulls FINAL WHERE ${where}
       GROUP BY at ORDER BY at`,
      { ...params, step: p.stepSeconds },
      z.object({ at: z.string(), pulls: num, failed: num, reasons: z.record(z.string(), num) }),
    )
    return rows
  }

export interface ImagePullStats {
  image: string
  sizeClass: (typeof SIZE_CLASSES)[number]
  /** Pulls that fetched something (cached excluded). */
  pulls: number
  cached: number
  failed: number
  p50PullMs: number | null
  p90PullMs: number | null
  meanSizeBytes: number | null
  /** Means over pulls whose pull is split. */
  meanDownloadMs: number | null
  meanDecompressMs: number | null
  /** How many split pulls used each method (profile, size-model, measured, truth). */
  splitMethods: Record<string, number>
}

/** Pull time by image and size class, slowest p90 first. */
export const imagePullStats =
  (q: Querier) =>
  async (input: PullParams): Promise<ImagePullStats[]> => {
    const p = pullParams.parse(input)
    const { where, params } = pullWhere(p, p.filters)
    const rows = await q.query(
      'imagePullStats',
      `SELECT image, ${SIZE_CLASS_SQL} AS size_class,
         countIf(NOT cached AND outcome = 'ok') AS n_pulls, countIf(cached) AS n_cached, countIf(outcome != 'ok') AS n_failed,
         quantilesIf(0.5, 0.9)(pull_ms, NOT cached AND outcome = 'ok') AS q,
         avgIf(size_bytes, size_bytes IS NOT NULL) AS mean_size,
         avgIf(download_ms, download_ms IS NOT NULL AND decompress_ms IS NOT NULL AND NOT cached) AS mean_download,
         avgIf(decompress_ms, download_ms IS NOT NULL AND decompress_ms IS NOT NULL AND NOT cached) AS mean_decompress,
         sumMapIf(map(ifNull(split_method, ''), toUInt64(1)), split_method IS NOT NULL AND NOT cached) AS methods
       FROM image_pulls FINAL WHERE ${where}
       GROUP BY image, size_class
       ORDER BY q[2] DESC, image
       LIMIT {limit:UInt32}`,
      { ...params, limit: p.limit },
      z.object({
        image: z.string(),
        size_class: z.enum(SIZE_CLASSES),
        n_pulls: num,
        n_cached: num,
        n_failed: num,
        q: z.array(z.union([z.number(), z.string(), z.null()])).nullable(),
        mean_size: numOrNull,
        mean_download: numOrNull,
        mean_decompress: numOrNull,
        methods: z.record(z.string(), num),
      }),
    )
    const finite = (v: number | null) => (v === null || Number.isNaN(v) ? null : v)
    return rows.map((r) => ({
      image: r.image,
      sizeClass: r.size_class,
      pulls: r.n_pulls,
      cached: r.n_cached,
      failed: r.n_failed,
      p50PullMs: r.n_pulls > 0 ? finite(Number(r.q?.[0] ?? Number.NaN)) : null,
      p90PullMs: r.n_pulls > 0 ? finite(Number(r.q?.[1] ?? Number.NaN)) : null,
      meanSizeBytes: finite(r.mean_size),
      meanDownloadMs: finite(r.mean_download),
      meanDecompressMs: finite(r.mean_decompress),
      splitMethods: r.methods,
    }))
  }

export interface NodeCacheHits {
  node: string
  /** Regular and init container image lookups on the node. */
  lookups: number
  cached: number
  hitRate: number
}

/** Image cache hit rate per node (cached / all image lookups), lowest first. */
export const nodeCacheHits =
  (q: Querier) =>
  async (input: PullParams): Promise<NodeCacheHits[]> => {
    const p = pullParams.parse(input)
    const { where, params } = pullWhere(p, p.filters)
    const rows = await q.query(
      'nodeCacheHits',
      `SELECT ifNull(node, '') AS node_name, count() AS lookups, countIf(cached) AS hits
       FROM image_pulls FINAL WHERE ${where} AND node IS NOT NULL
       GROUP BY node_name ORDER BY hits / lookups, node_name LIMIT {limit:UInt32}`,
      { ...params, limit: p.limit },
      z.object({ node_name: z.string(), lookups: num, hits: num }),
    )
    return rows.map((r) => ({
      node: r.node_name,
      lookups: r.lookups,
      cached: r.hits,
      hitRate: r.lookups > 0 ? r.hits / r.lookups : 0,
    }))
  }

export interface ConcurrentPulls {
  image: string
  /** Most distinct nodes that started pulling the image within one minute. */
  peakNodes: number
  peakMinute: string
  /** Mean pull time of the pulls in that minute. */
  peakMeanPullMs: number
  pulls: number
}

/** Same image pulled by many nodes in the same minute (registry pressure; the P2P advice's signal). */
export const concurrentPulls =
  (q: Querier) =>
  async (input: PullParams): Promise<ConcurrentPulls[]> => {
    const p = pullParams.parse(input)
    const { where, params } = pullWhere(p, p.filters)
    return q.query(
      'concurrentPulls',
      `SELECT image, max(nodes) AS peakNodes,
         formatDateTime(argMax(minute, nodes), '%FT%TZ') AS peakMinute,
         argMax(mean_pull, nodes) AS peakMeanPullMs, sum(n) AS pulls
       FROM (
         SELECT image, toStartOfMinute(started_at) AS minute, uniqExact(node) AS nodes, avg(pull_ms) AS mean_pull,
           count() AS n
         FROM image_pulls FINAL WHERE ${where} AND NOT cached AND started_at IS NOT NULL
         GROUP BY image, minute
       )
       GROUP BY image HAVING peakNodes > 1
       ORDER BY peakNodes DESC, image LIMIT {limit:UInt32}`,
      { ...params, limit: p.limit },
      z.object({
        image: z.string(),
        peakNodes: num,
        peakMinute: z.string(),
        peakMeanPullMs: num,
        pulls: num,
      }),
    )
  }

export interface ImageProfileSummary {
  reference: string
  measuredAt: string
  host: string
  compressedBytes: number
  uncompressedBytes: number
  files: number
  layers: number
  downloadBytesPerSec: number
  extractBytesPerSec: number
  inflateBytesPerSec: Record<string, number>
}

/** The latest stored profile of an image reference (exact, or the same repository and tag), or null. */
export const imageProfile =
  (q: Querier) =>
  async (input: { reference: string }): Promise<ImageProfileSummary | null> => {
    const reference = z.string().min(1).parse(input.reference)
    const rows = await q.query(
      'imageProfile',
      `SELECT reference, formatDateTime(measured_at, '%FT%TZ') AS measuredAt, host,
         compressed_bytes AS compressedBytes, uncompressed_bytes AS uncompressedBytes, files,
         length(layer_digests) AS layers, download_bytes_per_sec AS downloadBytesPerSec,
         extract_bytes_per_sec AS extractBytesPerSec, inflate_bytes_per_sec AS inflateBytesPerSec
       FROM image_profiles FINAL
       WHERE reference = {reference:String} OR endsWith({reference:String}, concat(repository, ':', tag))
       ORDER BY reference = {reference:String} DESC, measured_at DESC LIMIT 1`,
      { reference },
      z.object({
        reference: z.string(),
        measuredAt: z.string(),
        host: z.string(),
        compressedBytes: num,
        uncompressedBytes: num,
        files: num,
        layers: num,
        downloadBytesPerSec: num,
        extractBytesPerSec: num,
        inflateBytesPerSec: z.record(z.string(), num),
      }),
    )
    return rows[0] ?? null
  }
