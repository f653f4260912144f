// The weekly report's own rollup grains (migration 0013): startups per image repository (startup_image_grains) and
// image pulls per workload, image repository and node (pull_group_grains), with the measures the report merges.
// One definition of every measure serves the rebuild (from FINAL rows) and the raw open edges of a window (rows
// deduplicated with LIMIT 1 BY, as rollup-source.ts reads them), so both paths agree; readers merge the states.
import { PHASE_STEM } from '../rows/startup-rollups.ts'
import { PHASE_COLUMN } from '../rows/startup-rows.ts'
import type { Querier } from '../store/querier.ts'
import { rawRanges, type ServedWindow, servedConditions } from './dashboard/rollup-source.ts'
import { servedWithAllRows } from './grain-served.ts'
import { REPORT_PHASES } from './report-shapes.ts'

/** Image repository of a reference (tag and digest dropped), as `imageRepository` in report/groups.ts. */
export const REPOSITORY_SQL = (ref: string) => `replaceRegexpOne(splitByChar('@', ${ref})[1], ':[^:/]*$', '')`

export const COLD_PULL = "(NOT cached AND outcome = 'ok' AND pull_ms IS NOT NULL)"
const LEVELS = '0.5, 0.9, 0.99'

/** [column, aggregate over raw rows (a -State for states), merge over grain rows of the column `m_<column>`]. */
type Measure = [name: string, fromRaw: string, merge: string]
const summed = (n: string, e: string): Measure => [n, e, `sum(m_${n})`]
const quantiled = (n: string, e: string): Measure => [
  n,
  `quantilesState(${LEVELS})(${e})`,
  `quantilesMerge(${LEVELS})(m_${n})`,
]

/** The startup measures of an image repository group (and of a bucket's startups, grain 'all'). */
export const STARTUP_IMAGE_MEASURES: Measure[] = [
  summed('startups', 'count()'),
  summed('ready', "countIf(outcome = 'ready')"),
  summed('failed', "countIf(outcome = 'failed')"),
  summed('cold_known', 'countIf(cold IS NOT NULL)'),
  summed('cold_count', 'countIf(cold = true)'),
  summed('total_n', 'count(total_ms)'),
  quantiled('total_q', 'total_ms'),
  summed('cold_total_n', 'countIf(total_ms IS NOT NULL AND cold = true)'),
  quantiled('cold_total_q', 'if(cold = true, total_ms, NULL)'),
  ...REPORT_PHASES.flatMap((ph): Measure[] => [
    summed(`${PHASE_STEM[ph]}_n`, `count(${PHASE_COLUMN[ph]})`),
    quantiled(`${PHASE_STEM[ph]}_q`, PHASE_COLUMN[ph]),
  ]),
]

const SIZED = `${COLD_PULL} AND size_bytes > 0`
/** The pull measures of a workload, image repository or node group. `ref` is the image reference. */
export const PULL_GROUP_MEASURES: Measure[] = [
  summed('pulls', 'count()'),
  summed('cold_pulls', `countIf(${COLD_PULL})`),
  summed('failed_pulls', "countIf(outcome != 'ok')"),
  quantiled('cold_pull_q', `if(${COLD_PULL}, pull_ms, NULL)`),
  summed('sized_pulls', `countIf(${SIZED})`),
  ['size_q', `quantileState(0.5)(if(${SIZED}, size_bytes, NULL))`, 'quantileMerge(0.5)(m_size_q)'],
  ['refs', 'groupUniqArrayState(10)(ref)', 'groupUniqArrayMerge(10)(m_refs)'],
]

const STARTUP_COLUMNS = [
  'created_at',
  'cluster',
  'outcome',
  'cold',
  'total_ms',
  ...REPORT_PHASES.map((ph) => PHASE_COLUMN[ph]),
  'images',
  'retain_from',
]
/** A startup's image repositories, each once, after '': the entry that counts the startup in grain 'all'. */
const REPOS_WITH_ALL = `arrayJoin(arrayConcat([''], arrayFilter(x -> x != '', arrayDistinct(arrayMap(i -> ${REPOSITORY_SQL('i')}, images)))))`

/**
 * Startup image grain rows from pod_startups rows `source` (a table with PREWHERE, or a subquery): per bucket
 * (when `bucket`), cluster and image repository, the measures as states; image '' is every startup once.
 */
function startupImageStates(
  source: string,
  opts: { bucket: boolean; where?: string; measures?: readonly Measure[] },
): string {
  const keys = [...(opts.bucket ? ['bucket'] : []), 'cluster', 'image']
  return `SELECT ${keys.join(', ')},
       ${(opts.measures ?? STARTUP_IMAGE_MEASURES).map(([n, e]) => `${e} AS ${n}`).join(',\n       ')},
       max(retain_from) AS retain_from
     FROM (SELECT ${STARTUP_COLUMNS.join(', ')}, toStartOfHour(created_at) AS bucket, ${REPOS_WITH_ALL} AS image
           FROM ${source}${opts.where ? ` WHERE ${opts.where}` : ''})
     GROUP BY ${keys.join(', ')}`
}

const PULL_COLUMNS = ['cluster', 'namespace', 'workload_name', 'image', 'node']
/** GROUPING SETS of the pull grains and the grain each yields (`repo` is grouped, `image` comes out of it). */
const PULL_SETS = '(%b cluster, namespace, workload_name), (%b cluster, repo), (%b cluster, node)'
/** Pull grain rows from image_pulls rows `source`: one GROUPING SET per grain, per bucket when `bucket`. */
function pullGroupStates(source: string, opts: { bucket: boolean; where?: string }): string {
  return `SELECT multiIf(grouping(workload_name) = 0, 'workload', grouping(repo) = 0, 'image', 'node') AS grain,
       ${opts.bucket ? 'bucket, ' : ''}cluster, namespace, workload_name, repo AS image, node,
       ${PULL_GROUP_MEASURES.map(([n, e]) => `${e} AS ${n}`).join(',\n       ')},
       max(retain_from) AS retain_from
     FROM (SELECT toStartOfHour(pod_created_at) AS bucket, cluster, namespace, workload_name,
             ${REPOSITORY_SQL('image')} AS repo, image AS ref, ifNull(node, '') AS node, cached, outcome, pull_ms,
             size_bytes, retain_from
           FROM ${source}${opts.where ? ` WHERE ${opts.where}` : ''})
     GROUP BY GROUPING SETS (${PULL_SETS.replaceAll('%b', opts.bucket ? 'bucket,' : '')})`
}

const REBUILD_STARTUPS = `pod_startups FINAL
       -- Before FINAL: created_at is the same in every version of a startup (see rollup-source.ts).
       PREWHERE created_at >= {first:DateTime('UTC')} AND created_at < {last:DateTime('UTC')} + INTERVAL 1 HOUR
         AND toStartOfHour(created_at) IN {buckets:Array(DateTime('UTC'))}`
/** image_pulls FINAL of a rebuild's hours (parameters first, last, buckets as rebuildRollupBuckets). */
export const REBUILD_PULLS = `image_pulls FINAL
       PREWHERE pod_created_at >= {first:DateTime('UTC')} AND pod_created_at < {last:DateTime('UTC')} + INTERVAL 1 HOUR
         AND toStartOfHour(pod_created_at) IN {buckets:Array(DateTime('UTC'))}`

/**
 * The INSERT ... SELECT statements of one rebuild's report grain rows, from pod_startups FINAL and image_pulls
 * FINAL of the hours `buckets`, and the pull grain's 'all' row per bucket counting the startups the rebuild wrote
 * to startup_rollup_hourly (run after it). Parameters: rebuild, buckets, first, last (as rebuildRollupBuckets).
 */
export function reportGrainsInserts(): string[] {
  const startupMeasures = STARTUP_IMAGE_MEASURES.map(([n]) => n).join(', ')
  const pullMeasures = PULL_GROUP_MEASURES.map(([n]) => n).join(', ')
  return [
    `INSERT INTO startup_image_grains (grain, rebuild, bucket, cluster, image, ${startupMeasures}, retain_from)
     SELECT if(image = '', 'all', 'image') AS grain, {rebuild:UInt64} AS rebuild, bucket, cluster, image,
       ${startupMeasures}, retain_from
     FROM (${startupImageStates(REBUILD_STARTUPS, { bucket: true })})`,
    `INSERT INTO pull_group_grains (grain, rebuild, bucket, ${PULL_COLUMNS.join(', ')}, ${pullMeasures}, retain_from)
     SELECT grain, {rebuild:UInt64} AS rebuild, bucket, ${PULL_COLUMNS.join(', ')}, ${pullMeasures}, retain_from
     FROM (${pullGroupStates(REBUILD_PULLS, { bucket: true })})`,
    `INSERT INTO pull_group_grains (grain, rebuild, bucket, startups, retain_from)
     SELECT 'all', {rebuild:UInt64}, bucket, sum(startups), max(retain_from) FROM startup_rollup_hourly
     WHERE rebuild = {rebuild:UInt64} AND bucket IN {buckets:Array(DateTime('UTC'))}
     GROUP BY bucket`,
  ]
}

/** The report grain tables, pruned with the other rollups (rows of superseded rebuilds). */
export const REPORT_GRAIN_TABLES = ['startup_image_grains', 'pull_group_grains'] as const

/**
 * The hours of the window the report grains serve: hours the startup rollups serve whose rebuild wrote both
 * report grains in full (grain-served.ts), so an hour built before migration 0013, or whose rows here expired,
 * is read raw. A namespace scope reads raw (no grain keeps namespace with image or node). The rest of the
 * window is left as raw ranges.
 */
export async function reportServedWindow(
  q: Querier,
  window: { from: string; to: string },
  scope: { namespace?: string },
): Promise<ServedWindow> {
  if (scope.namespace !== undefined)
    return { served: [], ranges: rawRanges(Date.parse(window.from), Date.parse(window.to), []) }
  return servedWithAllRows(q, window, ['startup_image_grains', 'pull_group_grains'], 'reportServedHours')
}

/** ClickHouse quantiles as the report reads them: ms rounded, an empty state's NaN read as unknown. */
export const finite = (q: string) => `arrayMap(x -> if(isFinite(x), round(x), NULL), ${q})`

const startupMerge = (n: string) => (STARTUP_IMAGE_MEASURES.find((m) => m[0] === n) as Measure)[2]
const pullMerge = (n: string) => (PULL_GROUP_MEASURES.find((m) => m[0] === n) as Measure)[2]

/**
 * A served window's rows for one grain table: grain rows of the served hours, and raw rows of the rest of the
 * window deduplicated as the dashboard reads them (the latest version of each startup or pull), both with the
 * measures as `m_<name>`. `scopeWhere` filters raw rows (cluster and namespace); `clusterWhere` grain rows.
 */
function servedSources(
  w: ServedWindow,
  table: 'startups' | 'pulls',
  scopeWhere: string,
  clusterWhere: string,
  only?: readonly Measure[],
): { sql: string; params: Record<string, unknown> } {
  const time = table === 'startups' ? 'created_at' : 'pod_created_at'
  const cond = servedConditions(w, time)
  const list = only ?? (table === 'startups' ? STARTUP_IMAGE_MEASURES : PULL_GROUP_MEASURES)
  const measures = list.map(([n]) => n)
  const keys = table === 'startups' ? ['cluster', 'image'] : ['grain', ...PULL_COLUMNS]
  const renamed = [...keys, ...measures.map((n) => `${n} AS m_${n}`)].join(', ')
  const parts: string[] = []
  if (cond.rollup) {
    const grains = table === 'startups' ? "grain = 'image'" : "grain != 'all'"
    parts.push(`SELECT ${renamed} FROM ${table === 'startups' ? 'startup_image_grains' : 'pull_group_grains'}
      WHERE ${grains} AND ${cond.rollup}${clusterWhere ? ` AND ${clusterWhere}` : ''}`)
  }
  if (cond.raw) {
    const latest =
      table === 'startups'
        ? `(SELECT * FROM pod_startups PREWHERE ${cond.raw} ORDER BY version DESC LIMIT 1 BY cluster, namespace, uid)`
        : `(SELECT * FROM image_pulls PREWHERE ${cond.raw} ORDER BY version DESC LIMIT 1 BY cluster, uid, container, init)`
    const states =
      table === 'startups'
        ? startupImageStates(latest, { bucket: false, where: scopeWhere, measures: list })
        : pullGroupStates(latest, { bucket: false, where: scopeWhere })
    parts.push(`SELECT ${renamed} FROM (${states})${table === 'startups' ? " WHERE image != ''" : ''}`)
  }
  if (parts.length === 0)
    parts.push(
      `SELECT ${renamed} FROM (${table === 'startups' ? startupImageStates('pod_startups', { bucket: false, where: '0', measures: list }) : pullGroupStates('image_pulls', { bucket: false, where: '0' })})`,
    )
  return { sql: `(${parts.join('\n    UNION ALL\n    ')})`, params: cond.params }
}

/**
 * Image repository groups' startup figures of one window (`w`), shaped as the other startup figures, without the
 * phase percentiles (`part` null, their phase_q all NULLs); or the phase_q of the phases of `part` alone (indices
 * into REPORT_PHASES; a merged state holds up to 8,192 values, so fewer at once keep the query's memory down).
 */
export function startupImageFiguresSql(
  w: ServedWindow,
  scopeWhere: string,
  clusterWhere: string,
  part: readonly number[] | null,
): { sql: string; params: Record<string, unknown> } {
  const phaseQ = (ids: readonly number[]) =>
    `[${REPORT_PHASES.map((ph, i) => (ids.includes(i) ? finite(startupMerge(`${PHASE_STEM[ph]}_q`)) : '[NULL, NULL, NULL]')).join(', ')}]`
  if (part !== null) {
    const only = STARTUP_IMAGE_MEASURES.filter(([n]) =>
      part.some((i) => n === `${PHASE_STEM[REPORT_PHASES[i] as (typeof REPORT_PHASES)[number]]}_q`),
    )
    const src = servedSources(w, 'startups', scopeWhere, clusterWhere, only)
    const sql = `SELECT {w:UInt8} AS w, 'image' AS dimension, cluster, '' AS namespace, '' AS workload_name, '' AS node,
      image, ${phaseQ(part)} AS phase_q
    FROM ${src.sql}
    GROUP BY cluster, image`
    return { sql, params: src.params }
  }
  const only = STARTUP_IMAGE_MEASURES.filter(
    ([n]) => !n.endsWith('_q') || n === 'total_q' || n === 'cold_total_q',
  )
  const src = servedSources(w, 'startups', scopeWhere, clusterWhere, only)
  const sql = `SELECT {w:UInt8} AS w, 'image' AS dimension, cluster, '' AS namespace, '' AS workload_name, '' AS node,
      image, '' AS workload_kind,
      ${['startups', 'ready', 'failed', 'cold_known', 'cold_count', 'total_n'].map((n) => `${startupMerge(n)} AS ${n}`).join(', ')},
      ${finite(startupMerge('total_q'))} AS total_q, ${startupMerge('cold_total_n')} AS cold_total_n,
      ${finite(startupMerge('cold_total_q'))} AS cold_total_q,
      [${REPORT_PHASES.map((ph) => startupMerge(`${PHASE_STEM[ph]}_n`)).join(', ')}] AS phase_n,
      ${phaseQ([])} AS phase_q
    FROM ${src.sql}
    GROUP BY cluster, image`
  return { sql, params: src.params }
}

/** Tag of a reference, '@' and the digest's first 18 characters without one, else 'latest' (as `imageTag`). */
export const TAG_SQL = (ref: string) => `multiIf(
    extract(splitByChar('@', ${ref})[1], ':([^:/]*)$') != '', extract(splitByChar('@', ${ref})[1], ':([^:/]*)$'),
    position(${ref}, '@') > 0, concat('@', substring(splitByChar('@', ${ref})[2], 1, 19)), 'latest')`

/** Pull figures of every group of one window (`w`): all, cluster, namespace, workload, image repository, node. */
export function pullFiguresSql(
  w: ServedWindow,
  scopeWhere: string,
  clusterWhere: string,
): { sql: string; params: Record<string, unknown> } {
  const src = servedSources(w, 'pulls', scopeWhere, clusterWhere)
  const figures = `${pullMerge('pulls')} AS pulls, ${pullMerge('cold_pulls')} AS cold_pulls,
      ${pullMerge('failed_pulls')} AS failed_pulls, ${pullMerge('cold_pulls')} AS cold_pull_n,
      ${finite(pullMerge('cold_pull_q'))} AS cold_pull_q, ${pullMerge('size_q')} AS median_size,
      ${pullMerge('sized_pulls')} AS sized_pulls,
      -- At most ten image references per group (tags by regex on those only, not on every row).
      arraySlice(arraySort(arrayDistinct(arrayMap(i -> concat(splitByChar('/', ${REPOSITORY_SQL('i')})[-1], ':', ${TAG_SQL('i')}),
        ${pullMerge('refs')}))), 1, 10) AS tags`
  const sql = `SELECT {w:UInt8} AS w,
      multiIf(grouping(cluster) = 1, 'all', grouping(namespace) = 1, 'cluster', grouping(workload_name) = 1, 'namespace', 'workload') AS dimension,
      cluster, namespace, workload_name, '' AS node, '' AS image, ${figures}
    FROM ${src.sql} WHERE grain = 'workload'
    GROUP BY GROUPING SETS ((), (cluster), (cluster, namespace), (cluster, namespace, workload_name))
    UNION ALL
    SELECT {w:UInt8} AS w, 'image' AS dimension, cluster, '' AS namespace, '' AS workload_name, '' AS node, image, ${figures}
    FROM ${src.sql} WHERE grain = 'image'
    GROUP BY cluster, image
    UNION ALL
    SELECT {w:UInt8} AS w, 'node' AS dimension, cluster, '' AS namespace, '' AS workload_name, node, '' AS image, ${figures}
    FROM ${src.sql} WHERE grain = 'node'
    GROUP BY cluster, node`
  return { sql, params: src.params }
}
