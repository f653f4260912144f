// The weekly report's per-group figures of one window, computed in the store: counts, p50/p90/p99 of the total
// and each phase, cold share, pulls and failures per cluster, namespace, workload, image repository and node, merged
// from the rollup grains' states for served hours and from raw rows for the rest of the window; and, for the rank
// tests, a uniform random sample of at most `sampleSize` values per group and metric, drawn without FINAL.
import { z } from 'zod'
import { isoToCh } from '../rows/codec.ts'
import { PHASE_STEM } from '../rows/startup-rollups.ts'
import type { Querier } from '../store/querier.ts'
import { startupSource } from './dashboard/rollup-source.ts'
import { startupWhere, timeWindow } from './filters.ts'
import {
  COLD_PULL,
  finite,
  pullFiguresSql,
  REPOSITORY_SQL,
  reportServedWindow,
  startupImageFiguresSql,
  TAG_SQL,
} from './report-grains.ts'
import type { Dimension, GroupKey, GroupSide, MetricSamples, Percentiles } from './report-shapes.ts'
import { REPORT_PHASES } from './report-shapes.ts'

export const reportGroupParams = z.object({
  previous: timeWindow,
  current: timeWindow,
  cluster: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
  /** Values per group, window and metric fetched for the rank test; groups with fewer keep all of theirs. */
  sampleSize: z.number().int().min(20).max(100_000).default(1000),
  /**
   * 'raw': every figure from raw rows, no rollup, samples without hash bounds (for checks and comparisons);
   * 'auto': served hours from the rollups.
   */
  source: z.enum(['auto', 'raw']).default('auto'),
  /**
   * Values a group needs in each window before the report tests it (ReportConfig.minSamples): samples are drawn
   * only for groups and metrics with that many in both; 0 samples every group.
   */
  minSamples: z.number().int().min(0).default(0),
})
export type ReportGroupParams = z.input<typeof reportGroupParams>

/** Figures of one group in one window; `dimension` 'all' is the whole scope. */
export interface WindowGroup {
  dimension: Dimension | 'all'
  key: GroupKey
  side: GroupSide
  samples: MetricSamples
}

export { REPOSITORY_SQL, TAG_SQL }

const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform(Number)
const quantiles = z.array(num.nullable())
/**
 * A sample travels as one comma-separated string: a week at 10M startups ships millions of sample values, and
 * JSON numbers of UInt64 (quoted, see the store's settings) checked one by one cost more than the query.
 */
const sample = z
  .string()
  .regex(/^(\d+(,\d+)*)?$/)
  .transform((t) => (t === '' ? [] : t.split(',').map(Number)))
/** A sample array of UInt64 composites (hash high half, value low half) -> the values' text. */
const sampleText = (composites: string) =>
  `arrayStringConcat(arrayMap(x -> toString(bitAnd(x, 0xFFFFFFFF)), ${composites}), ',')`

export function reportScope(p: { cluster?: string; namespace?: string }) {
  return startupWhere(undefined, {
    ...(p.cluster ? { cluster: p.cluster } : {}),
    ...(p.namespace ? { namespace: p.namespace } : {}),
  })
}

/** Both windows in one scan: `w` is 0 for the previous, 1 for the current (the windows must not overlap). */
function windowSql(column: string, count: number) {
  const inWindow = (i: number) =>
    `(${column} >= {w${i}from:DateTime64(3, 'UTC')} AND ${column} < {w${i}to:DateTime64(3, 'UTC')})`
  return count === 1
    ? { where: inWindow(0), w: '{w:UInt8}' }
    : { where: `(${inWindow(0)} OR ${inWindow(1)})`, w: `if(${inWindow(0)}, 0, 1)` }
}

// Rows outside the metric sort last and are dropped (the -If combinator on this function is several times slower).
const NOT_SAMPLED = '18446744073709551615'

const stemOf = (ph: (typeof REPORT_PHASES)[number]) => PHASE_STEM[ph]

/** The rollup measures the report's startup figures merge. */
export const REPORT_ROLLUP_MEASURES = [
  'startups',
  'total_n',
  'total_q',
  ...REPORT_PHASES.flatMap((ph) => [`${stemOf(ph)}_n`, `${stemOf(ph)}_q`]),
]

/**
 * Phase percentiles are merged in parts of a few phases per query: a merged quantiles state holds up to 8,192
 * values, and a week of every workload's nine states at once held ~700 MB at 10M startups.
 */
export const PHASE_PARTS: readonly (readonly number[])[] = [
  [0, 1, 2, 3],
  [4, 5, 6],
]
/** The phase_q array of a part: the merged quantiles of its phases, unknown (NULLs) for the others. */
export const phaseQuantiles = (
  part: readonly number[],
  merge: (ph: (typeof REPORT_PHASES)[number]) => string,
) =>
  `[${REPORT_PHASES.map((ph, i) => (part.includes(i) ? finite(merge(ph)) : '[NULL, NULL, NULL]')).join(', ')}]`
// Figures of a group from rollup-shaped rows (startupSource): counts add, quantile states merge. cold/warm and
// the outcome are dimensions of every rollup row, so the cold share and the cold startups' totals are -If merges.
const ROLLUP_AGGREGATES = `any(workload_kind) AS workload_kind,
    sum(m_startups) AS startups, sumIf(m_startups, outcome = 'ready') AS ready,
    sumIf(m_startups, outcome = 'failed') AS failed,
    sumIf(m_startups, start_kind != 'unknown') AS cold_known, sumIf(m_startups, start_kind = 'cold') AS cold_count,
    sum(m_total_n) AS total_n, ${finite('quantilesMerge(0.5, 0.9, 0.99)(m_total_q)')} AS total_q,
    sumIf(m_total_n, start_kind = 'cold') AS cold_total_n,
    ${finite("quantilesMergeIf(0.5, 0.9, 0.99)(m_total_q, start_kind = 'cold')")} AS cold_total_q,
    [${REPORT_PHASES.map((ph) => `sum(m_${stemOf(ph)}_n)`).join(', ')}] AS phase_n,
    ${phaseQuantiles([], (ph) => `quantilesMerge(0.5, 0.9, 0.99)(m_${stemOf(ph)}_q)`)} AS phase_q`

/** The rollup measures of the figures without phase quantiles, and of one phase part. */
const FIGURE_MEASURES = REPORT_ROLLUP_MEASURES.filter((m) => !(m.endsWith('_q') && m !== 'total_q'))
const phaseMeasures = (part: readonly number[]) =>
  part.map((i) => `${stemOf(REPORT_PHASES[i] as (typeof REPORT_PHASES)[number])}_q`)

/** The rollup rows with their measures renamed (m_...), so the figures may take the measures' own names. */
const rollupRows = (
  from: string,
  measures: readonly string[],
) => `(SELECT cluster, namespace, workload_kind, workload_name, node, outcome, start_kind,
      ${measures.map((m) => `${m} AS m_${m}`).join(', ')}
    FROM ${from})`

/**
 * The startup figures of each dimension from its own grain (the coarsest that keeps its columns), so each grain
 * row is merged once: the whole scope and clusters from the cluster grain, and so on down to workloads and nodes.
 */
const ROLLUP_GROUPINGS: {
  dims: ('cluster' | 'namespace' | 'workload' | 'node')[]
  dimension: string
  columns: string
  groupBy: string
}[] = [
  {
    dims: ['cluster'],
    dimension: "if(grouping(cluster) = 1, 'all', 'cluster')",
    columns: "cluster, '' AS namespace, '' AS workload_name, '' AS node",
    groupBy: 'GROUPING SETS ((), (cluster))',
  },
  {
    dims: ['namespace'],
    dimension: "'namespace'",
    columns: "cluster, namespace, '' AS workload_name, '' AS node",
    groupBy: 'cluster, namespace',
  },
  {
    dims: ['workload'],
    dimension: "'workload'",
    columns: "cluster, namespace, workload_name, '' AS node",
    groupBy: 'cluster, namespace, workload_name',
  },
  {
    dims: ['node'],
    dimension: "'node'",
    columns: "cluster, '' AS namespace, '' AS workload_name, node",
    groupBy: 'cluster, node',
  },
]

const rollupGroupSql = (g: (typeof ROLLUP_GROUPINGS)[number], from: string) =>
  `SELECT {w:UInt8} AS w, ${g.dimension} AS dimension, ${g.columns}, '' AS image,
    ${ROLLUP_AGGREGATES}
  FROM ${rollupRows(from, FIGURE_MEASURES)}
  GROUP BY ${g.groupBy}`
const rollupPhaseSql = (g: (typeof ROLLUP_GROUPINGS)[number], from: string, part: readonly number[]) =>
  `SELECT {w:UInt8} AS w, ${g.dimension} AS dimension, ${g.columns}, '' AS image,
    ${phaseQuantiles(part, (ph) => `quantilesMerge(0.5, 0.9, 0.99)(m_${stemOf(ph)}_q)`)} AS phase_q
  FROM ${rollupRows(from, phaseMeasures(part))}
  GROUP BY ${g.groupBy}`

/**
 * The rank tests' samples of the startup groups, from raw rows without FINAL: per group the values whose UID hash
 * is smallest. Versions of one startup share the hash, so the sample keeps one value per startup (the smaller,
 * when a rewrite changed it: the sample is a random one either way). Both windows in one scan.
 */
const rawSampleColumn = (name: string, cond: string) =>
  `arrayFilter(x -> x != ${NOT_SAMPLED}, groupArraySorted({sampleSize:UInt32})(
      if(${cond}, bitOr(bitAnd(cityHash64(uid), 0xFFFFFFFF00000000), toUInt64(assumeNotNull(total_ms))), ${NOT_SAMPLED}))) AS ${name}_all`
/** One value per UID hash (entries of one hash are adjacent): the first, and each whose hash differs from the last. */
const dedupedSample = (name: string) =>
  `${sampleText(`arrayFilter((x, d, i) -> i = 1 OR d != 0, ${name}_all,
      arrayDifference(arrayMap(x -> toInt64(bitShiftRight(x, 32)), ${name}_all)), arrayEnumerate(${name}_all))`)} AS ${name}_sample`
/**
 * The samples of the coarse groups (all, cluster, namespace) and of the fine ones (workload, node) are separate
 * queries: the coarse groups' bound passes few rows, so most rows are aggregated into two grouping sets, not five.
 */
const COARSE_SETS = '(w), (w, cluster), (w, cluster, namespace)'
/** The dimension of a sample row: of the coarse sets, or `fine` (GROUPING over the fine sets' own keys). */
const COARSE_DIMENSION = (coarse: boolean, fine: string) =>
  coarse
    ? "multiIf(grouping(cluster, namespace) = 3, 'all', grouping(cluster, namespace) = 1, 'cluster', 'namespace')"
    : fine
const startupSampleSql = (scope: string, windows: number, coarse: boolean) => {
  const win = windowSql('created_at', windows)
  const limit = coarse
    ? 'greatest({tScalar:UInt64}, if(cold = true, {cScalar:UInt64}, 0))'
    : `greatest(${bound('workload_name', 'tWorkload')}, ${bound("ifNull(node, '')", 'tNode')},
        -- A cold startup is in both samples: the larger of both bounds.
        if(cold = true, greatest(${bound('workload_name', 'cWorkload')}, ${bound("ifNull(node, '')", 'cNode')}), 0))`
  return `SELECT w, dimension, cluster, namespace, workload_name, node, image,
    ${dedupedSample('total')}, ${dedupedSample('cold_total')}
  FROM (SELECT w,
    ${COARSE_DIMENSION(coarse, "if(grouping(workload_name, node) = 1, 'workload', 'node')")} AS dimension,
    cluster, namespace, ${coarse ? "'' AS workload_name, '' AS node" : 'workload_name, node'}, '' AS image,
    ${rawSampleColumn('total', 'total_ms IS NOT NULL')},
    ${rawSampleColumn('cold_total', 'total_ms IS NOT NULL AND cold = true')}
  FROM (SELECT cluster, namespace, workload_name, ifNull(node, '') AS node, uid, total_ms, cold, ${win.w} AS w
    FROM pod_startups WHERE ${scope} AND ${win.where} AND total_ms IS NOT NULL
      AND ${HASH_HIGH} < ${limit})
  GROUP BY GROUPING SETS (${coarse ? COARSE_SETS : '(w, cluster, namespace, workload_name), (w, cluster, node)'}))`
}

/** High 32 bits of a startup's UID hash: the order the samples keep (the smallest first). */
const HASH_HIGH = 'bitShiftRight(cityHash64(uid), 32)'
/** A row's hash bound in one dimension: the bound of its group's key, all rows (2^32) for a key not listed. */
const bound = (key: string, name: string) =>
  `transform(${key}, {${name}Keys:Array(String)}, {${name}Bounds:Array(UInt64)}, {boundDefault:UInt64})`

/** Which groups (groupId) and metrics (t total, c cold total, p cold pulls) a rank test compares. */
type Testable = (r: FigureLike & KeyRowLike, metric: 't' | 'c' | 'p') => boolean
type KeyRowLike = { cluster: string; namespace: string }

/**
 * A group's metric is tested only with at least `minSamples` values in each window (report/model.ts), so only
 * those need a sample; with minSamples 0 every group with values is sampled.
 */
function testable(
  figures: readonly (readonly (FigureLike & KeyRowLike & { total_n: number; cold_total_n: number })[])[],
  pulls: readonly (readonly (FigureLike & KeyRowLike & { cold_pulls: number })[])[],
  minSamples: number,
): Testable {
  const id = (r: FigureLike & KeyRowLike) =>
    [r.dimension, r.cluster, r.namespace, r.workload_name, r.image, r.node].join('\u0000')
  const counts = new Map<string, number[]>()
  const count = (r: FigureLike & KeyRowLike, metric: string, w: number, n: number) => {
    const key = `${metric}\u0000${id(r)}`
    const c = counts.get(key) ?? [0, 0]
    c[w] = n
    counts.set(key, c)
  }
  figures.forEach((rows, w) => {
    for (const r of rows) {
      count(r, 't', w, r.total_n)
      count(r, 'c', w, r.cold_total_n)
    }
  })
  pulls.forEach((rows, w) => {
    for (const r of rows) count(r, 'p', w, r.cold_pulls)
  })
  return (r, metric) => {
    const c = counts.get(`${metric}\u0000${id(r)}`) ?? [0, 0]
    return (c[0] as number) >= minSamples && (c[1] as number) >= minSamples
  }
}

/** Bounds letting every row through (the plain bottom-k sample of each group). */
function unbounded(): Record<string, unknown> {
  const out: Record<string, unknown> = {
    tScalar: 2 ** 32,
    cScalar: 2 ** 32,
    pScalar: 2 ** 32,
    boundDefault: 2 ** 32,
    imageMax: 2 ** 32,
  }
  for (const prefix of ['t', 'c', 'p'])
    for (const dim of ['Workload', 'Node', 'Image']) {
      out[`${prefix}${dim}Keys`] = []
      out[`${prefix}${dim}Bounds`] = []
    }
  return out
}

/**
 * The hash bound (high 32 bits) under which a group of `n` values holds its `k` smallest hashes but for odds
 * below 1e-15: the bound whose expected count is k plus 8 standard deviations; every value (2^32) when n is not
 * above that. Below the bound every row of the group is read, so the sample is the one the whole group gives.
 */
export function hashBound(n: number, k: number): number {
  const want = k + 8 * Math.sqrt(k) + 16
  return n <= want ? 2 ** 32 : Math.min(2 ** 32, Math.ceil((2 ** 32 * want) / n))
}

type FigureLike = {
  dimension: string
  cluster: string
  namespace: string
  workload_name: string
  node: string
  image: string
}
/**
 * Query parameters bounding each sample query's rows: per metric, the largest bound of the groups sharing a key
 * (a workload name, node or repository; the largest, so no group loses a row it needs) and one scalar for the
 * coarse groups (all, cluster, namespace). A version of a startup in a group no figure names passes whole.
 */
function sampleBounds(
  figures: readonly (FigureLike & { total_n: number; cold_total_n: number })[],
  pulls: readonly (FigureLike & { cold_pulls: number })[],
  k: number,
  /** The groups and metrics a rank test compares; null: every row of every group (no bound). */
  eligible: Testable | null,
): Record<string, unknown> {
  if (eligible === null) return unbounded()
  const maps: Record<string, Map<string, number>> = {}
  const scalars: Record<string, number> = { tScalar: 0, cScalar: 0, pScalar: 0 }
  const add = (name: string, key: string, b: number) => {
    const m = maps[name] ?? new Map<string, number>()
    maps[name] = m
    m.set(key, Math.max(m.get(key) ?? 0, b))
  }
  const keyed = (r: FigureLike, prefix: 't' | 'c' | 'p', n: number) => {
    // A group without values in a window needs no row of it (its key's rows elsewhere have their own bound),
    // nor does one no rank test compares.
    if (n === 0 || !eligible(r, prefix)) return
    const b = hashBound(n, k)
    if (r.dimension === 'workload') add(`${prefix}Workload`, r.workload_name, b)
    else if (r.dimension === 'node') add(`${prefix}Node`, r.node, r.node === '' ? 0 : b)
    else if (r.dimension === 'image') add(`${prefix}Image`, r.image, b)
    else scalars[`${prefix}Scalar`] = Math.max(scalars[`${prefix}Scalar`] as number, b)
  }
  for (const r of figures) {
    keyed(r, 't', r.total_n)
    keyed(r, 'c', r.cold_total_n)
  }
  for (const r of pulls) keyed(r, 'p', r.cold_pulls)
  const imageMax = Math.max(0, ...(maps.tImage?.values() ?? []), ...(maps.cImage?.values() ?? []))
  const out: Record<string, unknown> = { ...scalars, boundDefault: 0, imageMax }
  for (const prefix of ['t', 'c', 'p'])
    for (const dim of ['Workload', 'Node', 'Image']) {
      const m = maps[`${prefix}${dim}`] ?? new Map<string, number>()
      out[`${prefix}${dim}Keys`] = [...m.keys()]
      out[`${prefix}${dim}Bounds`] = [...m.values()]
    }
  return out
}

/**
 * The rank tests' samples of the image repository groups, from raw rows without FINAL as the other startup
 * samples: a startup is in the group of each repository it ran (once per repository).
 */
const imageSampleSql = (scope: string, windows: number) => {
  const win = windowSql('created_at', windows)
  return `SELECT w, 'image' AS dimension, cluster, '' AS namespace, '' AS workload_name, '' AS node, image,
    ${dedupedSample('total')}, ${dedupedSample('cold_total')}
  FROM (SELECT w, cluster, image,
    ${rawSampleColumn('total', 'total_ms IS NOT NULL')},
    ${rawSampleColumn('cold_total', 'total_ms IS NOT NULL AND cold = true')}
  FROM (SELECT cluster, uid, total_ms, cold, ${win.w} AS w,
      arrayJoin(arrayDistinct(arrayMap(i -> ${REPOSITORY_SQL('i')}, images))) AS image
    FROM pod_startups WHERE ${scope} AND ${win.where} AND total_ms IS NOT NULL
      -- The largest image bound first, before any repository is parsed out of a reference.
      AND ${HASH_HIGH} < {imageMax:UInt64})
  WHERE ${HASH_HIGH} < greatest(${bound('image', 'tImage')}, if(cold = true, ${bound('image', 'cImage')}, 0))
  GROUP BY w, cluster, image)`
}

/**
 * The rank tests' samples of cold pull durations per group, from raw image_pulls rows without FINAL: per group
 * the values whose (UID, pull index) hash is smallest, one value per pull (versions of a pull share the hash).
 */
const pullSampleSql = (scope: string, windows: number, coarse: boolean) => {
  const win = windowSql('pod_created_at', windows)
  return `SELECT w, dimension, cluster, namespace, workload_name, node, image, ${dedupedSample('cold_pull')}
  FROM (SELECT w,
    ${COARSE_DIMENSION(
      coarse,
      "multiIf(grouping(workload_name, repo, node) = 3, 'workload', grouping(workload_name, repo, node) = 5, 'image', 'node')",
    )} AS dimension,
    cluster, namespace, ${coarse ? "'' AS workload_name, '' AS node, '' AS image" : 'workload_name, node, repo AS image'},
    groupArraySorted({sampleSize:UInt32})(
      bitOr(bitAnd(cityHash64(uid, pull_index), 0xFFFFFFFF00000000), toUInt64(assumeNotNull(pull_ms)))) AS cold_pull_all
  FROM (SELECT cluster, namespace, workload_name, ifNull(node, '') AS node,
      ${coarse ? "''" : REPOSITORY_SQL('image')} AS repo, uid, pull_index, pull_ms, ${win.w} AS w
    FROM image_pulls WHERE ${scope} AND ${win.where} AND ${COLD_PULL}
      ${coarse ? 'AND bitShiftRight(cityHash64(uid, pull_index), 32) < {pScalar:UInt64}' : ''})
  ${
    coarse
      ? ''
      : `WHERE bitShiftRight(cityHash64(uid, pull_index), 32) < greatest(${bound('workload_name', 'pWorkload')},
    ${bound('repo', 'pImage')}, ${bound('node', 'pNode')})`
  }
  GROUP BY GROUPING SETS (${coarse ? COARSE_SETS : '(w, cluster, namespace, workload_name), (w, cluster, repo), (w, cluster, node)'}))`
}

const keyCols = {
  w: num,
  dimension: z.string(),
  cluster: z.string(),
  namespace: z.string(),
  workload_name: z.string(),
  node: z.string(),
  image: z.string(),
}

const startupRow = z.object({
  ...keyCols,
  workload_kind: z.string(),
  startups: num,
  ready: num,
  failed: num,
  cold_known: num,
  cold_count: num,
  total_n: num,
  total_q: quantiles,
  cold_total_n: num,
  cold_total_q: quantiles,
  /** Per phase in REPORT_PHASES order. */
  phase_n: z.array(num),
  phase_q: z.array(quantiles),
  total_sample: sample,
  cold_total_sample: sample,
})

/** Startup figures of a group, without samples (from the rollups). */
const figureRow = startupRow.omit({ total_sample: true, cold_total_sample: true })
const sampleRow = z.object({ ...keyCols, total_sample: sample, cold_total_sample: sample })
/** A phase part's percentiles of a group (the phases outside the part are NULLs). */
const phaseRow = z.object({ ...keyCols, phase_q: z.array(quantiles) })

const pullRow = z.object({
  ...keyCols,
  pulls: num,
  cold_pulls: num,
  failed_pulls: num,
  cold_pull_n: num,
  cold_pull_q: quantiles,
  /** quantile(0.5) merged: NaN (read as null) without sized pulls. */
  median_size: z
    .union([num, z.literal('nan'), z.literal('NaN'), z.null()])
    .transform((v) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null)),
  sized_pulls: num,
  tags: z.array(z.string()),
})
const pullSampleRow = z.object({ ...keyCols, cold_pull_sample: sample })

const poolRow = z.object({ cluster: z.string(), node: z.string(), pool: z.string() })

function percentilesOf(n: number, q: readonly (number | null)[]): Percentiles {
  return n > 0
    ? { count: n, p50: q[0] ?? null, p90: q[1] ?? null, p99: q[2] ?? null }
    : { count: 0, p50: null, p90: null, p99: null }
}

const EMPTY_PERCENTILES: Percentiles = { count: 0, p50: null, p90: null, p99: null }

export function emptySide(): GroupSide {
  return {
    startups: 0,
    ready: 0,
    failed: 0,
    coldShare: null,
    total: EMPTY_PERCENTILES,
    coldTotal: EMPTY_PERCENTILES,
    phases: Object.fromEntries(REPORT_PHASES.map((ph) => [ph, EMPTY_PERCENTILES])) as GroupSide['phases'],
    pulls: {
      count: 0,
      cold: 0,
      failed: 0,
      failureRate: null,
      coldPull: EMPTY_PERCENTILES,
      medianSizeBytes: null,
      tags: [],
    },
  }
}

type KeyRow = z.output<z.ZodObject<typeof keyCols>>

function keyOf(r: KeyRow): GroupKey {
  switch (r.dimension) {
    case 'cluster':
      return { cluster: r.cluster }
    case 'namespace':
      return { cluster: r.cluster, namespace: r.namespace }
    case 'workload':
      return { cluster: r.cluster, namespace: r.namespace, workload: r.workload_name }
    case 'image':
      return { cluster: r.cluster, image: r.image }
    case 'node':
      return { cluster: r.cluster, node: r.node }
    default:
      return { cluster: '' }
  }
}

/** Group identity within a dimension, as keyId in report/groups.ts. */
function groupId(r: KeyRow): string {
  return [r.dimension, r.cluster, r.namespace, r.workload_name, r.image, r.node].join('\u0000')
}

const sortedSample = (xs: readonly number[]) => Array.from(Float64Array.from(xs).sort())

/**
 * Every group with startups or pulls in each window, with its figures and samples. Windows that do not overlap
 * are read in one scan of each table.
 */
export const reportGroups =
  (q: Querier) =>
  async (input: ReportGroupParams): Promise<{ previous: WindowGroup[]; current: WindowGroup[] }> => {
    const p = reportGroupParams.parse(input)
    const scope = reportScope(p)
    const filters = {
      ...(p.cluster ? { cluster: p.cluster } : {}),
      ...(p.namespace ? { namespace: p.namespace } : {}),
    }
    const pools = new Map(
      (await q.query('reportNodePools', 'SELECT cluster, node, pool FROM nodes FINAL', {}, poolRow)).map(
        (r) => [`${r.cluster}\u0000${r.node}`, r.pool],
      ),
    )
    const out = [new Map<string, WindowGroup>(), new Map<string, WindowGroup>()] as const
    const overlap = p.previous.to > p.current.from && p.current.to > p.previous.from
    const passes = overlap
      ? [
          { windows: [p.previous], w: 0 },
          { windows: [p.current], w: 1 },
        ]
      : [{ windows: [p.previous, p.current], w: null }]
    // Figures of both windows first: they say which groups a rank test can compare (samples only for those).
    const figuresOf: z.output<typeof figureRow>[][] = []
    const pullsOf: z.output<typeof pullRow>[][] = []
    const phasesOf: z.output<typeof phaseRow>[][] = []
    const clusterWhere = p.cluster ? 'cluster = {cluster:String}' : ''
    for (const w of [0, 1]) {
      const figures: z.output<typeof figureRow>[] = []
      const pulls: z.output<typeof pullRow>[] = []
      const phases: z.output<typeof phaseRow>[] = []
      figuresOf.push(figures)
      phasesOf.push(phases)
      pullsOf.push(pulls)
      const window = w === 0 ? p.previous : p.current
      // Closed, clean hours from the rollup grains, the rest of the window (open edges) from raw rows.
      for (const g of ROLLUP_GROUPINGS) {
        // Whole served days from the day rows (migration 0016): a report groups by nothing finer than a day.
        const src = await startupSource(q, window, filters, p.source, FIGURE_MEASURES, g.dims, {
          days: true,
        })
        figures.push(
          ...(await q.query(
            'reportStartupGroups',
            rollupGroupSql(g, src.from),
            { ...src.params, w },
            figureRow,
          )),
        )
        for (const part of PHASE_PARTS) {
          const ph = await startupSource(q, window, filters, p.source, phaseMeasures(part), g.dims, {
            days: true,
          })
          phases.push(
            ...(await q.query(
              'reportStartupPhases',
              rollupPhaseSql(g, ph.from, part),
              { ...ph.params, w },
              phaseRow,
            )),
          )
        }
      }
      // Image repository groups and pulls from the report's own grains (migration 0013), the same way.
      const served =
        p.source === 'raw'
          ? { served: [], ranges: [[Date.parse(window.from), Date.parse(window.to)] as [number, number]] }
          : await reportServedWindow(q, window, filters)
      const images = startupImageFiguresSql(served, scope.where, clusterWhere, null)
      figures.push(
        ...(await q.query(
          'reportStartupImageGroups',
          images.sql,
          { ...scope.params, ...images.params, w },
          figureRow,
        )),
      )
      for (const part of PHASE_PARTS) {
        const imagePhases = startupImageFiguresSql(served, scope.where, clusterWhere, part)
        phases.push(
          ...(await q.query(
            'reportStartupImagePhases',
            imagePhases.sql,
            { ...scope.params, ...imagePhases.params, w },
            phaseRow,
          )),
        )
      }
      const pullFigures = pullFiguresSql(served, scope.where, clusterWhere)
      pulls.push(
        ...(await q.query(
          'reportPullGroups',
          pullFigures.sql,
          { ...scope.params, ...pullFigures.params, w },
          pullRow,
        )),
      )
    }
    // Each phase part's quantiles into its group's figures (same window, same group).
    figuresOf.forEach((figures, w) => {
      const byGroup = new Map(figures.map((r) => [groupId(r), r]))
      for (const r of phasesOf[w] ?? []) {
        const f = byGroup.get(groupId(r))
        if (f)
          r.phase_q.forEach((q, i) => {
            if (q.some((x) => x !== null)) f.phase_q[i] = q
          })
      }
    })
    const eligible = testable(figuresOf, pullsOf, p.minSamples)
    for (const pass of passes) {
      const params: Record<string, unknown> = { ...scope.params, sampleSize: p.sampleSize }
      pass.windows.forEach((win, i) => {
        params[`w${i}from`] = isoToCh(win.from)
        params[`w${i}to`] = isoToCh(win.to)
      })
      if (pass.w !== null) params.w = pass.w
      const n = pass.windows.length
      const windowed = pass.w === null ? [0, 1] : [pass.w]
      const figures = windowed.flatMap((w) => figuresOf[w] ?? [])
      const pulls = windowed.flatMap((w) => pullsOf[w] ?? [])
      // The samples, each row kept only below its groups' hash bounds (set from the figures' counts).
      const bounds = sampleBounds(figures, pulls, p.sampleSize, p.source === 'raw' ? null : eligible)
      Object.assign(params, bounds)
      const none = (...names: string[]) =>
        bounds.boundDefault === 0 &&
        names.every((n) =>
          n.endsWith('Scalar') ? bounds[n] === 0 : (bounds[`${n}Keys`] as unknown[]).length === 0,
        )
      // A query whose every bound is 0 would read the window for nothing: no group it samples is tested.
      const samples = [
        ...(none('tScalar', 'cScalar')
          ? []
          : await q.query('reportStartupSamples', startupSampleSql(scope.where, n, true), params, sampleRow)),
        ...(none('tWorkload', 'cWorkload', 'tNode', 'cNode')
          ? []
          : await q.query(
              'reportStartupSamples',
              startupSampleSql(scope.where, n, false),
              params,
              sampleRow,
            )),
      ]
      const imageSamples = none('tImage', 'cImage')
        ? []
        : await q.query('reportImageSamples', imageSampleSql(scope.where, n), params, sampleRow)
      const pullSamples = [
        ...(none('pScalar')
          ? []
          : await q.query('reportPullSamples', pullSampleSql(scope.where, n, true), params, pullSampleRow)),
        ...(none('pWorkload', 'pImage', 'pNode')
          ? []
          : await q.query('reportPullSamples', pullSampleSql(scope.where, n, false), params, pullSampleRow)),
      ]
      const slot = (r: KeyRow) => {
        const groups = out[r.w === 0 ? 0 : 1]
        const id = groupId(r)
        let g = groups.get(id)
        if (!g) {
          g = {
            dimension: r.dimension as WindowGroup['dimension'],
            key: keyOf(r),
            side: emptySide(),
            samples: { total: [], coldTotal: [], pull: [] },
          }
          if (r.dimension === 'node') g.key.pool = pools.get(`${r.cluster}\u0000${r.node}`) ?? ''
          groups.set(id, g)
        }
        return g
      }
      for (const r of figures) {
        if (r.dimension === 'node' && r.node === '') continue
        // A window with no startups still yields the empty grouping set's row: nothing to report for it.
        if (r.dimension === 'all' && r.startups === 0) continue
        const g = slot(r)
        if (r.dimension === 'workload') g.key.workloadKind = r.workload_kind
        const s = g.side
        s.startups = r.startups
        s.ready = r.ready
        s.failed = r.failed
        s.coldShare = r.cold_known > 0 ? r.cold_count / r.cold_known : null
        s.total = percentilesOf(r.total_n, r.total_q)
        s.coldTotal = percentilesOf(r.cold_total_n, r.cold_total_q)
        REPORT_PHASES.forEach((ph, i) => {
          s.phases[ph] = percentilesOf(r.phase_n[i] ?? 0, r.phase_q[i] ?? [])
        })
      }
      for (const r of [...samples, ...imageSamples]) {
        if (r.dimension === 'node' && r.node === '') continue
        const g = slot(r)
        g.samples.total = sortedSample(r.total_sample)
        g.samples.coldTotal = sortedSample(r.cold_total_sample)
      }
      for (const r of pulls) {
        if (r.dimension === 'node' && r.node === '') continue
        if (r.dimension === 'all' && r.pulls === 0) continue
        const g = slot(r)
        g.side.pulls = {
          count: r.pulls,
          cold: r.cold_pulls,
          failed: r.failed_pulls,
          failureRate: r.pulls > 0 ? r.failed_pulls / r.pulls : null,
          coldPull: percentilesOf(r.cold_pull_n, r.cold_pull_q),
          medianSizeBytes: r.sized_pulls > 0 ? r.median_size : null,
          tags: r.tags,
        }
      }
      for (const r of pullSamples) {
        if (r.dimension === 'node' && r.node === '') continue
        slot(r).samples.pull = sortedSample(r.cold_pull_sample)
      }
    }
    return { previous: [...out[0].values()], current: [...out[1].values()] }
  }
