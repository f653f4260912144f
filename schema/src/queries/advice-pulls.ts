// Advice signals about image pulls: per image, per node and image, and per image and minute bucket.
// Cold = the pull fetched something and succeeded (not cached, outcome ok).
import { z } from 'zod'
import type { Querier } from '../store/querier.ts'
import {
  type AdviceSignalParams,
  adviceSignalParams,
  COLD_PULL,
  chNumber,
  chNumberOrNull,
  joinedPulls,
  nearestRankExact,
  nearestRankExactIf,
  type PullSource,
} from './advice-window.ts'
import { REPOSITORY_SQL } from './report-groups.ts'

const TRUSTED_SPLIT = "p.split_method IN ('profile', 'measured', 'truth')"

export interface ImagePullSummaryRow {
  cluster: string
  image: string
  /** Any digest the pulls resolved to; null when none was recorded. */
  digest: string | null
  pulls: number
  cachedPulls: number
  coldPulls: number
  failedPulls: number
  /** Sum over cold pulls of pull_ms and wait_ms. */
  coldPullMs: number
  coldWaitMs: number
  /** p90 over cold pulls of pull_ms + wait_ms. */
  coldP90Ms: number | null
  coldPullP90Ms: number | null
  /** Cold pulls that succeeded at their first attempt, and the p90 of their pull + wait (what pre-warming removes). */
  firstTryColdPulls: number
  firstTryColdMs: number
  firstTryColdP90Ms: number | null
  /** Successful pulls after failed attempts, and the failed attempts plus back-off they waited (their wait_ms). */
  retriedPulls: number
  /** Pulls that never succeeded with a failure the kubelet reported (a lost Pulled event is no failure). */
  reportedFailedPulls: number
  retryWaitMs: number
  retryWaitP90Ms: number | null
  /** Failure reasons of failed and retried pulls, most frequent first. */
  failureReasons: string[]
  /**
   * Largest size the kubelet reported and what it means (compressed on containerd, uncompressed on CRI-O):
   * the compressed size when any node reported one, so size and kind always belong together.
   */
  sizeBytes: number | null
  sizeKind: 'compressed' | 'uncompressed' | null
  /** Over cold pulls with a split: download and decompress sums, and how many splits were profile/measured/truth vs size-model. */
  downloadMs: number
  decompressMs: number
  splitPullMs: number
  trustedSplits: number
  modelSplits: number
  /** Over cold pulls whose startup became Ready: pull + wait and the startups' totals. */
  readyColdPullWaitMs: number
  readyColdTotalMs: number
  coldNodes: number
  /** The cold pulls' nodes, sorted, the first 100; their pools (nodes table), sorted, the first 50. */
  nodes: string[]
  pools: string[]
  namespaces: string[]
  workloads: Array<{ namespace: string; kind: string; name: string }>
}

export const summaryRow = z.object({
  cluster: z.string(),
  image: z.string(),
  digest: z.string().nullable(),
  pulls: chNumber,
  cached_pulls: chNumber,
  cold_pulls: chNumber,
  failed_pulls: chNumber,
  cold_pull_ms: chNumber,
  cold_wait_ms: chNumber,
  cold_p90_ms: chNumber,
  cold_pull_p90_ms: chNumber,
  first_try_cold_pulls: chNumber,
  first_try_cold_ms: chNumber,
  first_try_cold_p90_ms: chNumber,
  retried_pulls: chNumber,
  reported_failed_pulls: chNumber,
  retry_wait_ms: chNumber,
  retry_wait_p90_ms: chNumber,
  failure_reasons: z.array(z.string()),
  compressed_size: chNumber,
  uncompressed_size: chNumber,
  download_ms: chNumber,
  decompress_ms: chNumber,
  split_pull_ms: chNumber,
  trusted_splits: chNumber,
  model_splits: chNumber,
  ready_cold_pull_wait_ms: chNumber,
  ready_cold_total_ms: chNumber,
  cold_nodes: chNumber,
  nodes: z.array(z.string()),
  pools: z.array(z.string()),
  namespaces: z.array(z.string()),
  workloads: z.array(z.string()),
})

const PULL_WAIT = '(ifNull(p.pull_ms, 0) + ifNull(p.wait_ms, 0))'
const SPLIT = `${COLD_PULL} AND p.download_ms IS NOT NULL AND p.decompress_ms IS NOT NULL`
const FIRST_TRY = `${COLD_PULL} AND p.attempts <= 1`
const RETRIED = `${COLD_PULL} AND p.attempts > 1`

/** Nodes of different runtimes report different sizes: keep the compressed one when there is one. */
function pairedSize(
  compressed: number,
  uncompressed: number,
): Pick<ImagePullSummaryRow, 'sizeBytes' | 'sizeKind'> {
  if (compressed > 0) return { sizeBytes: compressed, sizeKind: 'compressed' }
  if (uncompressed > 0) return { sizeBytes: uncompressed, sizeKind: 'uncompressed' }
  return { sizeBytes: null, sizeKind: null }
}

/** imagePullSummary's SQL over a source of the window's pulls (its own join, or the shared pass). */
export function imagePullSummarySql(src: PullSource): string {
  // Pools are looked up for each image's distinct cold nodes once aggregated, not joined to every pull.
  return `WITH (SELECT (groupArray(concat(cluster, char(0), node)), groupArray(pool)) FROM nodes FINAL) AS node_pools
      SELECT p.cluster AS cluster, p.image AS image,
        anyIf(p.image_digest, p.image_digest IS NOT NULL) AS digest,
        count() AS pulls,
        countIf(p.cached) AS cached_pulls,
        countIf(${COLD_PULL}) AS cold_pulls,
        countIf(p.outcome != 'ok') AS failed_pulls,
        sumIf(ifNull(p.pull_ms, 0), ${COLD_PULL}) AS cold_pull_ms,
        sumIf(ifNull(p.wait_ms, 0), ${COLD_PULL}) AS cold_wait_ms,
        ${nearestRankExactIf(0.9)}(${PULL_WAIT}, ${COLD_PULL}) AS cold_p90_ms,
        ${nearestRankExactIf(0.9)}(ifNull(p.pull_ms, 0), ${COLD_PULL}) AS cold_pull_p90_ms,
        countIf(${FIRST_TRY}) AS first_try_cold_pulls,
        sumIf(${PULL_WAIT}, ${FIRST_TRY}) AS first_try_cold_ms,
        ${nearestRankExactIf(0.9)}(${PULL_WAIT}, ${FIRST_TRY}) AS first_try_cold_p90_ms,
        countIf(${RETRIED}) AS retried_pulls,
        countIf(p.outcome != 'ok' AND p.failure_reason IS NOT NULL) AS reported_failed_pulls,
        sumIf(ifNull(p.wait_ms, 0), ${RETRIED}) AS retry_wait_ms,
        ${nearestRankExactIf(0.9)}(ifNull(p.wait_ms, 0), ${RETRIED}) AS retry_wait_p90_ms,
        arrayMap(x -> x.1, arraySort(x -> -x.2, arrayZip(
          mapKeys(sumMapIf(map(ifNull(p.failure_reason, ''), toUInt64(1)), p.failure_reason IS NOT NULL AND (p.outcome != 'ok' OR p.attempts > 1))),
          mapValues(sumMapIf(map(ifNull(p.failure_reason, ''), toUInt64(1)), p.failure_reason IS NOT NULL AND (p.outcome != 'ok' OR p.attempts > 1)))))) AS failure_reasons,
        maxIf(ifNull(p.size_bytes, 0), p.size_kind = 'compressed') AS compressed_size,
        maxIf(ifNull(p.size_bytes, 0), p.size_kind = 'uncompressed') AS uncompressed_size,
        sumIf(ifNull(p.download_ms, 0), ${SPLIT}) AS download_ms,
        sumIf(ifNull(p.decompress_ms, 0), ${SPLIT}) AS decompress_ms,
        sumIf(ifNull(p.pull_ms, 0), ${SPLIT}) AS split_pull_ms,
        countIf(${SPLIT} AND ${TRUSTED_SPLIT}) AS trusted_splits,
        countIf(${SPLIT} AND p.split_method = 'size-model') AS model_splits,
        sumIf(${PULL_WAIT}, ${COLD_PULL} AND NOT p.init AND ${src.startupTotal} IS NOT NULL) AS ready_cold_pull_wait_ms,
        sumIf(ifNull(${src.startupTotal}, 0), ${COLD_PULL} AND NOT p.init AND ${src.startupTotal} IS NOT NULL) AS ready_cold_total_ms,
        arraySort(groupUniqArrayIf(assumeNotNull(p.node), ${COLD_PULL} AND p.node IS NOT NULL)) AS cold_node_list,
        length(cold_node_list) AS cold_nodes,
        arraySlice(cold_node_list, 1, 100) AS nodes,
        arraySlice(arraySort(arrayDistinct(arrayFilter(x -> x != '',
          arrayMap(nd -> transform(concat(cluster, char(0), nd), node_pools.1, node_pools.2, ''), cold_node_list)))), 1, 50) AS pools,
        arraySort(groupUniqArray(50)(p.namespace)) AS namespaces,
        arraySort(groupUniqArray(50)(concat(p.namespace, '/', p.workload_kind, '/', p.workload_name))) AS workloads
      FROM ${src.from}
      GROUP BY cluster, image
      ORDER BY cluster, image`
}

export function decodeImagePullSummary(rows: z.output<typeof summaryRow>[]): ImagePullSummaryRow[] {
  return rows.map((r) => ({
    cluster: r.cluster,
    image: r.image,
    digest: r.digest,
    pulls: r.pulls,
    cachedPulls: r.cached_pulls,
    coldPulls: r.cold_pulls,
    failedPulls: r.failed_pulls,
    coldPullMs: r.cold_pull_ms,
    coldWaitMs: r.cold_wait_ms,
    coldP90Ms: r.cold_pulls > 0 ? r.cold_p90_ms : null,
    coldPullP90Ms: r.cold_pulls > 0 ? r.cold_pull_p90_ms : null,
    firstTryColdPulls: r.first_try_cold_pulls,
    firstTryColdMs: r.first_try_cold_ms,
    firstTryColdP90Ms: r.first_try_cold_pulls > 0 ? r.first_try_cold_p90_ms : null,
    retriedPulls: r.retried_pulls,
    reportedFailedPulls: r.reported_failed_pulls,
    retryWaitMs: r.retry_wait_ms,
    retryWaitP90Ms: r.retried_pulls > 0 ? r.retry_wait_p90_ms : null,
    failureReasons: r.failure_reasons,
    ...pairedSize(r.compressed_size, r.uncompressed_size),
    downloadMs: r.download_ms,
    decompressMs: r.decompress_ms,
    splitPullMs: r.split_pull_ms,
    trustedSplits: r.trusted_splits,
    modelSplits: r.model_splits,
    readyColdPullWaitMs: r.ready_cold_pull_wait_ms,
    readyColdTotalMs: r.ready_cold_total_ms,
    coldNodes: r.cold_nodes,
    nodes: r.nodes,
    pools: r.pools,
    namespaces: r.namespaces,
    workloads: r.workloads.map((w) => {
      const [namespace = '', kind = '', name = ''] = w.split('/')
      return { namespace, kind, name }
    }),
  }))
}

/** Per image: how often it was pulled cold, what that cost, its size, its download/decompress split. */
export const imagePullSummary =
  (q: Querier) =>
  async (input: AdviceSignalParams): Promise<ImagePullSummaryRow[]> => {
    const src = joinedPulls(adviceSignalParams.parse(input), true)
    return decodeImagePullSummary(
      await q.query('imagePullSummary', imagePullSummarySql(src), src.params, summaryRow),
    )
  }

export interface NodeImagePullRow {
  cluster: string
  node: string
  pool: string
  runtime: string | null
  image: string
  digest: string | null
  coldPulls: number
  pullMs: number
  /** Over cold pulls with a split. */
  splitPulls: number
  splitPullMs: number
  downloadMs: number
  decompressMs: number
  trustedSplits: number
  modelSplits: number
  sizeBytes: number | null
  sizeKind: 'compressed' | 'uncompressed' | null
}

export const nodeRow = z.object({
  cluster: z.string(),
  node: z.string(),
  pool: z.string(),
  runtime: z.string().nullable(),
  image: z.string(),
  digest: z.string().nullable(),
  cold_pulls: chNumber,
  pull_ms: chNumber,
  split_pulls: chNumber,
  split_pull_ms: chNumber,
  download_ms: chNumber,
  decompress_ms: chNumber,
  trusted_splits: chNumber,
  model_splits: chNumber,
  size_bytes: chNumberOrNull,
  size_kind: z.enum(['compressed', 'uncompressed']).nullable(),
})

export const nodeImagePullsParams = adviceSignalParams.extend({
  /**
   * Keep only what a comparison of nodes can use: nodes whose splits are at least this share profile/measured,
   * on images pulled by two or more such nodes. Without it, every node and image (millions of rows on a big
   * cluster, most of them of no use to the decompression rule).
   */
  minTrustedShare: z.number().min(0).max(1).optional(),
})

/** nodeImagePulls' SQL and its own parameters over a source of the window's pulls. */
export function nodeImagePullsSql(
  p: z.output<typeof nodeImagePullsParams>,
  src: PullSource,
): { sql: string; params: Record<string, unknown> } {
  const grouped = `SELECT p.cluster AS cluster, ifNull(p.node, '') AS node, any(n.pool) AS pool,
        anyIf(p.runtime, p.runtime IS NOT NULL) AS runtime, p.image AS image,
        anyIf(p.image_digest, p.image_digest IS NOT NULL) AS digest,
        count() AS cold_pulls,
        sum(ifNull(p.pull_ms, 0)) AS pull_ms,
        countIf(${SPLIT}) AS split_pulls,
        sumIf(ifNull(p.pull_ms, 0), ${SPLIT}) AS split_pull_ms,
        sumIf(ifNull(p.download_ms, 0), ${SPLIT}) AS download_ms,
        sumIf(ifNull(p.decompress_ms, 0), ${SPLIT}) AS decompress_ms,
        countIf(${SPLIT} AND ${TRUSTED_SPLIT}) AS trusted_splits,
        countIf(${SPLIT} AND p.split_method = 'size-model') AS model_splits,
        max(p.size_bytes) AS size_bytes,
        anyIf(p.size_kind, p.size_kind IS NOT NULL) AS size_kind
      FROM ${src.from}
      LEFT JOIN (SELECT cluster, node, pool FROM nodes FINAL) AS n ON n.cluster = p.cluster AND n.node = p.node
      WHERE ${COLD_PULL} AND p.node IS NOT NULL
      GROUP BY cluster, node, image`
  // The same test as the rule's (a division, so the boundary compares alike), then peers per image.
  const sql =
    p.minTrustedShare === undefined
      ? `${grouped} ORDER BY cluster, image, node`
      : `SELECT * FROM (
            SELECT *, count() OVER (PARTITION BY cluster, image) AS peers
            FROM (${grouped} HAVING split_pulls > 0 AND trusted_splits / split_pulls >= {minTrustedShare:Float64})
          ) WHERE peers >= 2 ORDER BY cluster, image, node`
  return { sql, params: p.minTrustedShare === undefined ? {} : { minTrustedShare: p.minTrustedShare } }
}

export function decodeNodeImagePulls(rows: z.output<typeof nodeRow>[]): NodeImagePullRow[] {
  return rows.map((r) => ({
    cluster: r.cluster,
    node: r.node,
    pool: r.pool,
    runtime: r.runtime,
    image: r.image,
    digest: r.digest,
    coldPulls: r.cold_pulls,
    pullMs: r.pull_ms,
    splitPulls: r.split_pulls,
    splitPullMs: r.split_pull_ms,
    downloadMs: r.download_ms,
    decompressMs: r.decompress_ms,
    trustedSplits: r.trusted_splits,
    modelSplits: r.model_splits,
    sizeBytes: r.size_bytes,
    sizeKind: r.size_kind,
  }))
}

/** Per node and image, cold pulls only: the download/decompress split and how it was obtained. */
export const nodeImagePulls =
  (q: Querier) =>
  async (input: z.input<typeof nodeImagePullsParams>): Promise<NodeImagePullRow[]> => {
    const p = nodeImagePullsParams.parse(input)
    const src = joinedPulls(p)
    const { sql, params } = nodeImagePullsSql(p, src)
    return decodeNodeImagePulls(await q.query('nodeImagePulls', sql, { ...src.params, ...params }, nodeRow))
  }

export const pullBurstsParams = adviceSignalParams.extend({
  bucketMinutes: z.number().int().min(1).max(1440).default(5),
  /**
   * Keep only the buckets of repositories that had a burst (this many nodes or more in one bucket): all a
   * burst's image needs for its quiet baseline (its own buckets, then its repository's). The cluster's quiet
   * median, the last fallback, comes on every row (clusterQuietBytesPerSec). Without it, every bucket.
   */
  burstNodes: z.number().int().min(2).optional(),
})

export interface PullBurstRow {
  cluster: string
  image: string
  /** Start of the bucket (ISO, UTC). */
  bucket: string
  nodes: number
  /** Every cold pull in the bucket; bytes and pullMs are over each node's slowest (transferring) pull only. */
  pulls: number
  bytes: number
  pullMs: number
  waitMs: number
  /** Median over nodes of size_bytes / pull seconds of each node's slowest pull, and the p90 of those pulls. */
  medianBytesPerSec: number
  p90PullMs: number
  /**
   * Present when the rows were narrowed to repositories with a burst (burstNodes): the median of
   * medianBytesPerSec over every bucket of the cluster below burstNodes nodes (0 when there is none).
   */
  clusterQuietBytesPerSec?: number
}

export const burstRow = z.object({
  cluster: z.string(),
  image: z.string(),
  bucket: z.string(),
  nodes: chNumber,
  pulls: chNumber,
  bytes: chNumber,
  pull_ms: chNumber,
  wait_ms: chNumber,
  median_bps: chNumber,
  p90_pull_ms: chNumber,
  cluster_quiet_bps: chNumber.optional(),
})

/** pullBursts' SQL and its own parameters over a source of the window's pulls. */
export function pullBurstsSql(
  p: z.output<typeof pullBurstsParams>,
  src: PullSource,
): { sql: string; params: Record<string, unknown> } {
  // Per node, the pull that transferred the image: pods queued behind it on the same node re-pull in
  // milliseconds what is already there, which says nothing about the registry.
  const buckets = `SELECT cluster, image, bucket,
        count() AS nodes,
        sum(n) AS pulls,
        sum(size) AS bytes,
        sum(slowest_ms) AS pull_ms,
        sum(waited_ms) AS wait_ms,
        ${nearestRankExact(0.5)}(size * 1000 / slowest_ms) AS median_bps,
        ${nearestRankExact(0.9)}(slowest_ms) AS p90_pull_ms
      FROM (
        SELECT p.cluster AS cluster, p.image AS image, p.node AS node,
          formatDateTime(toStartOfInterval(ifNull(p.started_at, p.pod_created_at), INTERVAL {bucketMinutes:UInt32} MINUTE), '%Y-%m-%dT%H:%i:%SZ', 'UTC') AS bucket,
          count() AS n,
          argMax(ifNull(p.size_bytes, 0), p.pull_ms) AS size,
          max(ifNull(p.pull_ms, 0)) AS slowest_ms,
          sum(ifNull(p.wait_ms, 0)) AS waited_ms
        FROM ${src.from}
        WHERE ${COLD_PULL} AND p.pull_ms > 0 AND ifNull(p.size_bytes, 0) > 0
        GROUP BY cluster, image, node, bucket
      )
      GROUP BY cluster, image, bucket`
  const sql =
    p.burstNodes === undefined
      ? `${buckets} ORDER BY cluster, image, bucket`
      : `SELECT * FROM (
            SELECT *,
              max(nodes) OVER (PARTITION BY cluster, ${REPOSITORY_SQL('image')}) AS repository_peak,
              if(countIf(nodes < {burstNodes:UInt32}) OVER (PARTITION BY cluster) = 0, 0,
                ${nearestRankExactIf(0.5)}(median_bps, nodes < {burstNodes:UInt32}) OVER (PARTITION BY cluster)) AS cluster_quiet_bps
            FROM (${buckets})
          ) WHERE repository_peak >= {burstNodes:UInt32} ORDER BY cluster, image, bucket`
  const params = {
    bucketMinutes: p.bucketMinutes,
    ...(p.burstNodes === undefined ? {} : { burstNodes: p.burstNodes }),
  }
  return { sql, params }
}

export function decodePullBursts(rows: z.output<typeof burstRow>[]): PullBurstRow[] {
  return rows.map((r) => ({
    cluster: r.cluster,
    image: r.image,
    bucket: r.bucket,
    nodes: r.nodes,
    pulls: r.pulls,
    bytes: r.bytes,
    pullMs: r.pull_ms,
    waitMs: r.wait_ms,
    medianBytesPerSec: r.median_bps,
    p90PullMs: r.p90_pull_ms,
    ...(r.cluster_quiet_bps === undefined ? {} : { clusterQuietBytesPerSec: r.cluster_quiet_bps }),
  }))
}

/** Per image and time bucket (by pull start): how many nodes pulled it and the throughput they got. */
export const pullBursts =
  (q: Querier) =>
  async (input: z.input<typeof pullBurstsParams>): Promise<PullBurstRow[]> => {
    const p = pullBurstsParams.parse(input)
    const src = joinedPulls(p)
    const { sql, params } = pullBurstsSql(p, src)
    return decodePullBursts(await q.query('pullBursts', sql, { ...src.params, ...params }, burstRow))
  }
