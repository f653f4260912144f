// The SQL shape of a pull rollup row (pull_rollup_grains), shared by the rebuild (from image_pulls FINAL) and
// by readers that complete the rollup with raw rows for buckets not rebuilt yet: one definition for both.

/** Size classes of images (bytes as the kubelet reported them; see image_pulls.size_kind). */
export const SIZE_CLASSES = ['< 100 MB', '100 MB - 1 GB', '>= 1 GB', 'unknown'] as const
export const SIZE_CLASS_SQL =
  "multiIf(size_bytes IS NULL, 'unknown', size_bytes < 100000000, '< 100 MB', size_bytes < 1000000000, '100 MB - 1 GB', '>= 1 GB')"

const FETCHED_OK = "NOT cached AND outcome = 'ok'"
const SPLIT = 'download_ms IS NOT NULL AND decompress_ms IS NOT NULL AND NOT cached'

/** Dimensions of a pull rollup row, as computed from an image_pulls row. */
export const PULL_DIMENSIONS: [name: string, fromRaw: string][] = [
  ['bucket', 'toStartOfHour(pod_created_at)'],
  ['cluster', 'cluster'],
  ['image', 'image'],
  ['size_class', SIZE_CLASS_SQL],
  ['node', "ifNull(node, '')"],
]

/** Aggregates over image_pulls rows giving the pull rollup's measures, and how readers combine each. */
export const PULL_MEASURES: [name: string, fromRaw: string, merge: string][] = [
  ['lookups', 'count()', 'sum(lookups)'],
  ['cached_n', 'countIf(cached)', 'sum(cached_n)'],
  ['fetched', 'countIf(NOT cached)', 'sum(fetched)'],
  ['ok_pulls', `countIf(${FETCHED_OK})`, 'sum(ok_pulls)'],
  ['failed', "countIf(outcome != 'ok')", 'sum(failed)'],
  [
    'reasons',
    "sumMapIf(map(ifNull(failure_reason, outcome), toUInt64(1)), outcome != 'ok')",
    'sumMap(reasons)',
  ],
  [
    'pull_q',
    `quantilesState(0.5, 0.9)(if(${FETCHED_OK}, pull_ms, NULL))`,
    'quantilesMerge(0.5, 0.9)(pull_q)',
  ],
  ['size_n', 'countIf(size_bytes IS NOT NULL)', 'sum(size_n)'],
  ['size_sum', 'sum(ifNull(size_bytes, 0))', 'sum(size_sum)'],
  ['split_n', `countIf(${SPLIT})`, 'sum(split_n)'],
  ['download_sum', `sumIf(toUInt64(ifNull(download_ms, 0)), ${SPLIT})`, 'sum(download_sum)'],
  ['decompress_sum', `sumIf(toUInt64(ifNull(decompress_ms, 0)), ${SPLIT})`, 'sum(decompress_sum)'],
  [
    'methods',
    "sumMapIf(map(ifNull(split_method, ''), toUInt64(1)), split_method IS NOT NULL AND NOT cached)",
    'sumMap(methods)',
  ],
]

export type PullDimension = 'cluster' | 'image' | 'node'

/** Grains of pull_rollup_grains, coarsest first: the dimensions each keeps and its GROUPING SET. */
export const PULL_GRAINS = [
  { grain: 'cluster', keeps: ['cluster'], set: ['cluster'] },
  { grain: 'image', keeps: ['cluster', 'image'], set: ['cluster', 'image', 'size_class'] },
  { grain: 'node', keeps: ['cluster', 'node'], set: ['cluster', 'node'] },
] as const satisfies readonly { grain: string; keeps: readonly PullDimension[]; set: readonly string[] }[]

/** The coarsest pull grain keeping every dimension asked for; undefined when only raw rows have them. */
export function pullGrainFor(dimensions: Iterable<PullDimension>) {
  const need = [...new Set(dimensions)]
  return PULL_GRAINS.find((g) => need.every((d) => (g.keeps as readonly string[]).includes(d)))
}

/**
 * INSERT ... SELECT of one rebuild's pull grain rows from image_pulls FINAL, each with the latest retain_from of its
 * pulls. Parameters: rebuild, buckets, first, last.
 */
export function pullGrainsInsert(): string {
  const dims = PULL_DIMENSIONS.map(([n]) => n)
  const sets = PULL_GRAINS.map((g) => `(bucket, ${g.set.join(', ')})`)
  return `INSERT INTO pull_rollup_grains (grain, rebuild, ${[...dims, ...PULL_MEASURES.map(([n]) => n)].join(', ')}, retain_from)
     SELECT multiIf(grouping(node) = 0, 'node', grouping(image) = 0, 'image', 'cluster') AS grain, {rebuild:UInt64},
       ${[...PULL_DIMENSIONS, ...PULL_MEASURES].map(([n, e]) => `${e} AS ${n}`).join(',\n       ')},
       max(retain_from) AS retain_from
     FROM image_pulls FINAL
     PREWHERE pod_created_at >= {first:DateTime('UTC')} AND pod_created_at < {last:DateTime('UTC')} + INTERVAL 1 HOUR
       AND toStartOfHour(pod_created_at) IN {buckets:Array(DateTime('UTC'))}
     GROUP BY GROUPING SETS (${sets.join(', ')})`
}
