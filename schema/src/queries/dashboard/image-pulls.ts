// Pull questions of the images page and the overview: failures over time, pull time by image and size class
// with the download/decompress split and how it was obtained, cache hits per node (concurrent pulls: concurrent-pulls.ts).
import { z } from 'zod'
import { isoToCh } from '../../rows/codec.ts'
import { type PullDimension, SIZE_CLASSES } from '../../rows/pull-rollups.ts'
import type { Querier } from '../../store/querier.ts'
import { type StartupFilters, startupFilters, timeWindow, WORKLOAD_FILTER_SQL } from '../filters.ts'
import { pullSource } from './pull-source.ts'

const PULL_FILTER_SQL: Record<keyof StartupFilters, string> = {
  cluster: 'cluster = {cluster:String}',
  namespace: 'namespace = {namespace:String}',
  workload: WORKLOAD_FILTER_SQL,
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

export { SIZE_CLASSES }

export const pullParams = timeWindow.extend({
  filters: startupFilters.default({}),
  stepSeconds: z.number().int().min(60).default(3600),
  limit: z.number().int().min(1).max(1000).default(50),
  /** 'raw' bypasses the pull rollup (same numbers, slower): for checks. */
  source: z.enum(['auto', 'raw']).default('auto'),
})
export type PullParams = z.input<typeof pullParams>

/**
 * The pull-rollup-shaped rows a pull question reads: its window and filters, from the rollups or raw rows as
 * its source asks. `rawBucket` as in PullSourceOptions.
 */
function filteredPullSource(
  q: Querier,
  p: z.output<typeof pullParams>,
  dimensions: PullDimension[],
  rawBucket?: string,
  days = false,
) {
  const { where, params } = pullWhere(p, p.filters)
  return pullSource(q, p, {
    where,
    params,
    filters: p.filters,
    dimensions,
    mode: p.source,
    days,
    ...(rawBucket === undefined ? {} : { rawBucket }),
  })
}

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
    const src = await filteredPullSource(
      q,
      p,
      ['cluster'],
      p.stepSeconds % 3600 === 0
        ? undefined
        : 'toStartOfInterval(pod_created_at, toIntervalSecond({step:UInt32}))',
      p.stepSeconds % 86_400 === 0,
    )
    const rows = await q.query(
      'pullFailures',
      `SELECT formatDateTime(toStartOfInterval(bucket, toIntervalSecond({step:UInt32})), '%FT%TZ') AS at,
         sum(fetched) AS pulls, sum(failed) AS n_failed, sumMap(reasons) AS n_reasons
       FROM ${src.from}
       GROUP BY at HAVING sum(lookups) > 0 ORDER BY at`,
      { ...src.params, step: p.stepSeconds },
      z.object({ at: z.string(), pulls: num, n_failed: num, n_reasons: z.record(z.string(), num) }),
    )
    return rows.map((r) => ({ at: r.at, pulls: r.pulls, failed: r.n_failed, reasons: r.n_reasons }))
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
    const src = await filteredPullSource(q, p, ['image'], undefined, true)
    const rows = await q.query(
      'imagePullStats',
      `SELECT image, size_class,
         sum(ok_pulls) AS n_pulls, sum(cached_n) AS n_cached, sum(failed) AS n_failed,
         quantilesMerge(0.5, 0.9)(pull_q) AS q,
         if(sum(size_n) = 0, NULL, sum(size_sum) / sum(size_n)) AS mean_size,
         if(sum(split_n) = 0, NULL, sum(download_sum) / sum(split_n)) AS mean_download,
         if(sum(split_n) = 0, NULL, sum(decompress_sum) / sum(split_n)) AS mean_decompress,
         sumMap(methods) AS split_methods
       FROM ${src.from}
       GROUP BY image, size_class
       HAVING sum(lookups) > 0
       ORDER BY q[2] DESC, image
       LIMIT {limit:UInt32}`,
      { ...src.params, limit: p.limit },
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
        split_methods: z.record(z.string(), num),
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
      splitMethods: r.split_methods,
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
    const src = await filteredPullSource(q, p, ['node'], undefined, true)
    const rows = await q.query(
      'nodeCacheHits',
      `SELECT node AS node_name, sum(lookups) AS n_lookups, sum(cached_n) AS hits
       FROM ${src.from} WHERE node != ''
       GROUP BY node_name HAVING n_lookups > 0 ORDER BY hits / n_lookups, node_name LIMIT {limit:UInt32}`,
      { ...src.params, limit: p.limit },
      z.object({ node_name: z.string(), n_lookups: num, hits: num }),
    )
    return rows.map((r) => ({
      node: r.node_name,
      lookups: r.n_lookups,
      cached: r.hits,
      hitRate: r.n_lookups > 0 ? r.hits / r.n_lookups : 0,
    }))
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
