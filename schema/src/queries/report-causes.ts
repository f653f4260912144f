// Cause facts of the few groups the weekly report found regressed, read in the store for both windows: image sizes
// and tags per repository, pull or decompression throughput per node pool, init containers, cold startups' phase
// p90s, pull failure reasons; and the previous window's image sizes anywhere in scope.
import { z } from 'zod'
import { isoToCh } from '../rows/codec.ts'
import { PHASE_COLUMN } from '../rows/startup-rows.ts'
import type { Querier } from '../store/querier.ts'
import { timeWindow } from './filters.ts'
import { REPOSITORY_SQL, reportScope, TAG_SQL } from './report-groups.ts'
import type { CauseFacts, Dimension, GroupKey, ImageSize } from './report-shapes.ts'
import { REPORT_PHASES } from './report-shapes.ts'

export const reportCauseParams = z.object({
  previous: timeWindow,
  current: timeWindow,
  cluster: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
})
export type ReportCauseParams = z.input<typeof reportCauseParams>

const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform(Number)
const COLD_PULL = "(NOT cached AND outcome = 'ok' AND pull_ms IS NOT NULL)"

/** The rows of one group: conditions over pod_startups and image_pulls, values as parameters. */
function groupCondition(dimension: Dimension, key: GroupKey) {
  const params: Record<string, unknown> = { gCluster: key.cluster }
  const common = ['cluster = {gCluster:String}']
  if (dimension === 'namespace' || dimension === 'workload') {
    common.push('namespace = {gNamespace:String}')
    params.gNamespace = key.namespace ?? ''
  }
  if (dimension === 'workload') {
    common.push('workload_name = {gWorkload:String}')
    params.gWorkload = key.workload ?? ''
  }
  if (dimension === 'node') {
    common.push("ifNull(node, '') = {gNode:String}")
    params.gNode = key.node ?? ''
  }
  const startups = [...common]
  const pulls = [...common]
  if (dimension === 'image') {
    params.gImage = key.image ?? ''
    startups.push(`arrayExists(i -> ${REPOSITORY_SQL('i')} = {gImage:String}, images)`)
    pulls.push(`${REPOSITORY_SQL('image')} = {gImage:String}`)
  }
  return { startups: startups.join(' AND '), pulls: pulls.join(' AND '), params }
}

const windowColumn = (column: string) =>
  `multiIf(${column} >= {w0from:DateTime64(3, 'UTC')} AND ${column} < {w0to:DateTime64(3, 'UTC')}, 0,
    ${column} >= {w1from:DateTime64(3, 'UTC')} AND ${column} < {w1to:DateTime64(3, 'UTC')}, 1, 2)`

const startupFacts = (where: string) => `SELECT w,
    quantileExact(0.5)(inits) AS init_all, countIf(true) AS n_all,
    quantileExactIf(0.5)(inits, cold = true) AS init_cold, countIf(cold = true) AS n_cold,
    [${REPORT_PHASES.map((ph) => `quantileExactIf(0.9)(${PHASE_COLUMN[ph]}, cold = true)`).join(', ')}] AS cold_p90,
    [${REPORT_PHASES.map((ph) => `countIf(${PHASE_COLUMN[ph]} IS NOT NULL AND cold = true)`).join(', ')}] AS cold_n
  FROM (
    SELECT arrayJoin(arrayFilter(x -> x < 2, [${windowColumn('created_at')}])) AS w, cold,
      ${REPORT_PHASES.map((ph) => PHASE_COLUMN[ph]).join(', ')},
      length(arrayFilter(c -> JSONExtractBool(c, 'init'), JSONExtractArrayRaw(containers_json))) AS inits
    FROM pod_startups FINAL WHERE ${where})
  GROUP BY w`

const pullRows = (
  where: string,
  extra = '',
) => `SELECT arrayJoin(arrayFilter(x -> x < 2, [${windowColumn('pod_created_at')}])) AS w,
      ${REPOSITORY_SQL('image')} AS repo, ${TAG_SQL('image')} AS tag, ifNull(node, '') AS node, cluster, size_bytes, pull_ms,
      decompress_ms, outcome, failure_reason, cached${extra}
    FROM image_pulls FINAL WHERE ${where}`

const imageFacts = (where: string) => `SELECT w, repo, quantileExact(0.5)(size_bytes) AS median_size,
    arraySort(groupUniqArray(tag)) AS tags
  FROM (${pullRows(where)}) WHERE ${COLD_PULL} AND size_bytes > 0
  GROUP BY w, repo ORDER BY w, repo`

const poolFacts = (
  where: string,
) => `SELECT w, pool, quantileExact(0.5)(rate) AS rate, count() AS n, countIf(split) AS split
  FROM (
    SELECT w, ifNull(n.pool, '') AS pool, decompress_ms > 0 AS split,
      size_bytes * 1000 / if(split, decompress_ms, pull_ms) AS rate
    FROM (${pullRows(where)}) AS p
    LEFT JOIN (SELECT cluster, node, pool FROM nodes FINAL) AS n ON n.cluster = p.cluster AND n.node = p.node
    WHERE ${COLD_PULL} AND size_bytes > 0 AND if(split, decompress_ms, pull_ms) > 0)
  WHERE pool != ''
  GROUP BY w, pool ORDER BY w, pool`

const failureFacts = (where: string) => `SELECT w,
    arraySlice(arraySort(groupUniqArray(ifNull(failure_reason, outcome))), 1, 3) AS reasons
  FROM (${pullRows(where)}) WHERE outcome != 'ok'
  GROUP BY w`

const startupRow = z.object({
  w: num,
  init_all: num.nullable(),
  n_all: num,
  init_cold: num.nullable(),
  n_cold: num,
  cold_p90: z.array(num.nullable()),
  cold_n: z.array(num),
})
const imageRow = z.object({
  w: num,
  repo: z.string(),
  median_size: num.nullable(),
  tags: z.array(z.string()),
})
const poolRow = z.object({ w: num, pool: z.string(), rate: num.nullable(), n: num, split: num })
const failureRow = z.object({ w: num, reasons: z.array(z.string()) })

function emptyFacts(): CauseFacts {
  return {
    images: [],
    pools: [],
    initContainers: { all: null, cold: null },
    coldPhaseP90: Object.fromEntries(REPORT_PHASES.map((ph) => [ph, null])) as CauseFacts['coldPhaseP90'],
    failureReasons: [],
  }
}

function windowParams(p: z.output<typeof reportCauseParams>) {
  const scope = reportScope(p)
  return {
    where: scope.where,
    params: {
      ...scope.params,
      w0from: isoToCh(p.previous.from),
      w0to: isoToCh(p.previous.to),
      w1from: isoToCh(p.current.from),
      w1to: isoToCh(p.current.to),
    },
  }
}

const inWindows = (column: string) =>
  `((${column} >= {w0from:DateTime64(3, 'UTC')} AND ${column} < {w0to:DateTime64(3, 'UTC')}) OR
    (${column} >= {w1from:DateTime64(3, 'UTC')} AND ${column} < {w1to:DateTime64(3, 'UTC')}))`

/** Cause facts of one group in the previous and the current window. */
export const reportCauseFacts =
  (q: Querier) =>
  async (
    input: ReportCauseParams,
    dimension: Dimension,
    key: GroupKey,
  ): Promise<{ previous: CauseFacts; current: CauseFacts }> => {
    const p = reportCauseParams.parse(input)
    const base = windowParams(p)
    const g = groupCondition(dimension, key)
    const params = { ...base.params, ...g.params }
    const sw = `${base.where} AND ${inWindows('created_at')} AND ${g.startups}`
    const pw = `${base.where} AND ${inWindows('pod_created_at')} AND ${g.pulls}`
    const facts = [emptyFacts(), emptyFacts()] as const
    const side = (w: number) => facts[w === 0 ? 0 : 1]
    for (const r of await q.query('reportCauseStartups', startupFacts(sw), params, startupRow)) {
      const f = side(r.w)
      f.initContainers = { all: r.n_all > 0 ? r.init_all : null, cold: r.n_cold > 0 ? r.init_cold : null }
      REPORT_PHASES.forEach((ph, i) => {
        f.coldPhaseP90[ph] = (r.cold_n[i] ?? 0) > 0 ? (r.cold_p90[i] ?? null) : null
      })
    }
    for (const r of await q.query('reportCauseImages', imageFacts(pw), params, imageRow))
      if (r.median_size !== null)
        side(r.w).images.push({ image: r.repo, medianBytes: r.median_size, tags: r.tags })
    for (const r of await q.query('reportCausePools', poolFacts(pw), params, poolRow))
      if (r.rate !== null)
        side(r.w).pools.push({
          pool: r.pool,
          bytesPerSecond: r.rate,
          pulls: r.n,
          basis: r.split * 2 >= r.n ? 'decompression' : 'pull',
        })
    for (const r of await q.query('reportCauseFailures', failureFacts(pw), params, failureRow))
      side(r.w).failureReasons = r.reasons
    return { previous: facts[0], current: facts[1] }
  }

/** Cold pulls' sizes per image repository anywhere in scope in the previous window. */
export const reportPreviousImageSizes =
  (q: Querier) =>
  async (input: ReportCauseParams): Promise<ImageSize[]> => {
    const p = reportCauseParams.parse(input)
    const base = windowParams(p)
    const where = `${base.where} AND pod_created_at >= {w0from:DateTime64(3, 'UTC')} AND pod_created_at < {w0to:DateTime64(3, 'UTC')}`
    const rows = await q.query('reportPreviousImageSizes', imageFacts(where), base.params, imageRow)
    return rows.flatMap((r) =>
      r.w === 0 && r.median_size !== null
        ? [{ image: r.repo, medianBytes: r.median_size, tags: r.tags }]
        : [],
    )
  }
