// Samples behind the weekly regression report: one row per startup and one per image pull of a window, with the
// node's pool. The report tests distributions, so it needs the values themselves, not only their quantiles.
import { z } from 'zod'
import { chTimeOut } from '../rows/codec.ts'
import type { Querier } from '../store/querier.ts'
import { startupWhere, timeWindow } from './filters.ts'

export const reportSampleParams = timeWindow.extend({
  cluster: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
})
export type ReportSampleParams = z.input<typeof reportSampleParams>

const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform(Number)
const numOrNull = num.nullable()

export interface StartupSample {
  cluster: string
  namespace: string
  workloadKind: string
  workload: string
  node: string
  pool: string
  createdAt: string
  outcome: string
  outcomeReason: string | null
  totalMs: number | null
  schedulingMs: number | null
  sandboxMs: number | null
  initMs: number | null
  pullWaitMs: number | null
  pullMs: number | null
  startMs: number | null
  readyMs: number | null
  cold: boolean | null
  images: string[]
  /** Init containers (sidecars included) in the record's containers timeline. */
  initContainers: number
}

const startupRow = z.object({
  cluster: z.string(),
  namespace: z.string(),
  workload_kind: z.string(),
  workload_name: z.string(),
  node: z.string(),
  pool: z.string(),
  created_at: chTimeOut,
  outcome: z.string(),
  outcome_reason: z.string().nullable(),
  total_ms: numOrNull,
  scheduling_ms: numOrNull,
  sandbox_ms: numOrNull,
  init_ms: numOrNull,
  pull_wait_ms: numOrNull,
  pull_ms: numOrNull,
  start_ms: numOrNull,
  ready_ms: numOrNull,
  cold: z.boolean().nullable(),
  images: z.array(z.string()),
  init_containers: num,
})

const STARTUP_COLUMNS = [
  'cluster',
  'namespace',
  'uid',
  'workload_kind',
  'workload_name',
  'node',
  'created_at',
  'outcome',
  'outcome_reason',
  'total_ms',
  'scheduling_ms',
  'sandbox_ms',
  'init_ms',
  'pull_wait_ms',
  'pull_ms',
  'start_ms',
  'ready_ms',
  'cold',
  'images',
  'containers_json',
].join(', ')

const NODE_POOLS = '(SELECT cluster, node, pool FROM nodes FINAL) AS n'

function scope(p: z.output<typeof reportSampleParams>) {
  return startupWhere(p, {
    ...(p.cluster ? { cluster: p.cluster } : {}),
    ...(p.namespace ? { namespace: p.namespace } : {}),
  })
}

/** Every startup created in the window (deduplicated), with its node's pool ('' when unknown). */
export const reportStartupSamples =
  (q: Querier) =>
  async (input: ReportSampleParams): Promise<StartupSample[]> => {
    const p = reportSampleParams.parse(input)
    const { where, params } = scope(p)
    const sql = `SELECT s.cluster AS cluster, s.namespace AS namespace, s.workload_kind AS workload_kind,
        s.workload_name AS workload_name, ifNull(s.node, '') AS node, ifNull(n.pool, '') AS pool,
        s.created_at AS created_at, s.outcome AS outcome, s.outcome_reason AS outcome_reason,
        s.total_ms AS total_ms, s.scheduling_ms AS scheduling_ms, s.sandbox_ms AS sandbox_ms, s.init_ms AS init_ms,
        s.pull_wait_ms AS pull_wait_ms, s.pull_ms AS pull_ms, s.start_ms AS start_ms, s.ready_ms AS ready_ms,
        s.cold AS cold, s.images AS images,
        length(arrayFilter(c -> JSONExtractBool(c, 'init'), JSONExtractArrayRaw(s.containers_json))) AS init_containers
      FROM (SELECT ${STARTUP_COLUMNS} FROM pod_startups FINAL WHERE ${where}) AS s
      LEFT JOIN ${NODE_POOLS} ON n.cluster = s.cluster AND n.node = ifNull(s.node, '')
      ORDER BY s.created_at, s.uid`
    const rows = await q.query('reportStartupSamples', sql, params, startupRow)
    return rows.map((r) => ({
      cluster: r.cluster,
      namespace: r.namespace,
      workloadKind: r.workload_kind,
      workload: r.workload_name,
      node: r.node,
      pool: r.pool,
      createdAt: r.created_at,
      outcome: r.outcome,
      outcomeReason: r.outcome_reason,
      totalMs: r.total_ms,
      schedulingMs: r.scheduling_ms,
      sandboxMs: r.sandbox_ms,
      initMs: r.init_ms,
      pullWaitMs: r.pull_wait_ms,
      pullMs: r.pull_ms,
      startMs: r.start_ms,
      readyMs: r.ready_ms,
      cold: r.cold,
      images: r.images,
      initContainers: r.init_containers,
    }))
  }

export interface PullSample {
  cluster: string
  namespace: string
  workload: string
  node: string
  pool: string
  image: string
  init: boolean
  cached: boolean
  outcome: string
  failureReason: string | null
  attempts: number
  pullMs: number | null
  waitMs: number | null
  sizeBytes: number | null
  sizeKind: string | null
  downloadMs: number | null
  decompressMs: number | null
  splitMethod: string | null
}

const pullRow = z.object({
  cluster: z.string(),
  namespace: z.string(),
  workload_name: z.string(),
  node: z.string(),
  pool: z.string(),
  image: z.string(),
  init: z.boolean(),
  cached: z.boolean(),
  outcome: z.string(),
  failure_reason: z.string().nullable(),
  attempts: num,
  pull_ms: numOrNull,
  wait_ms: numOrNull,
  size_bytes: numOrNull,
  size_kind: z.string().nullable(),
  download_ms: numOrNull,
  decompress_ms: numOrNull,
  split_method: z.string().nullable(),
})

/** Every image pull of the window's startups, of each startup's latest version only. */
export const reportPullSamples =
  (q: Querier) =>
  async (input: ReportSampleParams): Promise<PullSample[]> => {
    const p = reportSampleParams.parse(input)
    const { where, params } = scope(p)
    const sql = `SELECT p.cluster AS cluster, p.namespace AS namespace, p.workload_name AS workload_name,
        ifNull(p.node, '') AS node, ifNull(n.pool, '') AS pool, p.image AS image, p.init AS init, p.cached AS cached,
        p.outcome AS outcome, p.failure_reason AS failure_reason, p.attempts AS attempts, p.pull_ms AS pull_ms,
        p.wait_ms AS wait_ms, p.size_bytes AS size_bytes, p.size_kind AS size_kind, p.download_ms AS download_ms,
        p.decompress_ms AS decompress_ms, p.split_method AS split_method
      FROM image_pulls AS p FINAL
      INNER JOIN (SELECT cluster, uid, version FROM pod_startups FINAL WHERE ${where}) AS s
        ON s.cluster = p.cluster AND s.uid = p.uid AND s.version = p.version
      LEFT JOIN ${NODE_POOLS} ON n.cluster = p.cluster AND n.node = ifNull(p.node, '')
      ORDER BY p.pod_created_at, p.uid, p.pull_index`
    const rows = await q.query('reportPullSamples', sql, params, pullRow)
    return rows.map((r) => ({
      cluster: r.cluster,
      namespace: r.namespace,
      workload: r.workload_name,
      node: r.node,
      pool: r.pool,
      image: r.image,
      init: r.init,
      cached: r.cached,
      outcome: r.outcome,
      failureReason: r.failure_reason,
      attempts: r.attempts,
      pullMs: r.pull_ms,
      waitMs: r.wait_ms,
      sizeBytes: r.size_bytes,
      sizeKind: r.size_kind,
      downloadMs: r.download_ms,
      decompressMs: r.decompress_ms,
      splitMethod: r.split_method,
    }))
  }

// The store path of the report (figures in SQL, bounded samples), next to the in-memory samples above.
export { reportCauseFacts, reportPreviousImageSizes } from './report-causes.ts'
export { reportGroups, type WindowGroup } from './report-groups.ts'
