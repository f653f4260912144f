// The SQL shape of a startup rollup row, shared by the rebuild (from pod_startups FINAL) and by readers that
// complete the rollup with raw rows for buckets not rebuilt yet: one definition, so both paths agree exactly.
import { PHASE_NAMES, type PhaseName } from '../record/types.ts'
import { PHASE_COLUMN } from './startup-rows.ts'

/** quantiles levels baked into the state type of every *_q column. */
export const ROLLUP_LEVELS = [0.5, 0.9, 0.99] as const
const LEVELS = ROLLUP_LEVELS.join(', ')

/** Column stem of a phase in the rollup: `pull_wait` for pullWait (`pull_wait_n`, `pull_wait_q`, `complete_pull_wait_sum`). */
export const PHASE_STEM: Record<PhaseName, string> = Object.fromEntries(
  PHASE_NAMES.map((p) => [p, PHASE_COLUMN[p].replace(/_ms$/, '')]),
) as Record<PhaseName, string>

/** Dimensions of a rollup row, as computed from a pod_startups row. */
export const ROLLUP_DIMENSIONS: [name: string, fromRaw: string][] = [
  ['bucket', 'toStartOfHour(created_at)'],
  ['cluster', 'cluster'],
  ['namespace', 'namespace'],
  ['workload_kind', 'workload_kind'],
  ['workload_name', 'workload_name'],
  ['node', "ifNull(node, '')"],
  ['outcome', 'outcome'],
  ['start_kind', "multiIf(cold IS NULL, 'unknown', cold, 'cold', 'warm')"],
]

const ADDITIVE = ['scheduling_ms', 'sandbox_ms', 'init_ms', 'pull_wait_ms', 'pull_ms', 'start_ms', 'ready_ms']
/** Every additive phase and the total known: the phases of such a startup add up to its total. */
const COMPLETE = ['total_ms', ...ADDITIVE].map((c) => `${c} IS NOT NULL`).join(' AND ')
/** Pull split into download + decompress, or nothing pulled (a zero pull splits into zeros). */
const SPLIT = '(pull_ms = 0 OR (download_ms IS NOT NULL AND decompress_ms IS NOT NULL))'

/** Aggregates over pod_startups rows giving the rollup's measure columns, each `AS <column>`. */
export const ROLLUP_MEASURES: [name: string, fromRaw: string][] = [
  ['startups', 'count()'],
  ['total_n', 'count(total_ms)'],
  ['total_q', `quantilesState(${LEVELS})(total_ms)`],
  ['slo_n', 'count(slo_ms)'],
  ['slo_q', `quantilesState(${LEVELS})(slo_ms)`],
  ['slo_over_5s', 'countIf(slo_ms > 5000)'],
  ['complete_n', `countIf(${COMPLETE})`],
  ['complete_split_n', `countIf(${COMPLETE} AND ${SPLIT})`],
  ['complete_total_sum', `sumIf(toUInt64(ifNull(total_ms, 0)), ${COMPLETE})`],
  ...PHASE_NAMES.flatMap((p): [string, string][] => {
    const col = PHASE_COLUMN[p]
    const stem = PHASE_STEM[p]
    return [
      [`${stem}_n`, `count(${col})`],
      [`${stem}_q`, `quantilesState(${LEVELS})(${col})`],
      [`complete_${stem}_sum`, `sumIf(toUInt64(ifNull(${col}, 0)), ${COMPLETE})`],
    ]
  }),
]

export const ROLLUP_COLUMNS = [...ROLLUP_DIMENSIONS.map(([n]) => n), ...ROLLUP_MEASURES.map(([n]) => n)]

/** SELECT list computing rollup rows from pod_startups (GROUP BY the dimension names). */
export function rollupSelectFromRaw(): string {
  return [...ROLLUP_DIMENSIONS, ...ROLLUP_MEASURES].map(([name, expr]) => `${expr} AS ${name}`).join(',\n  ')
}

/** How a reader combines a measure across rollup rows: counts and sums add, quantile states merge. */
export function mergeMeasure(name: string): string {
  return name.endsWith('_q') ? `quantilesMerge(${LEVELS})(${name})` : `sum(${name})`
}

/** Dimensions a question can need from a rollup row (outcome and cold/warm are in every grain). */
export type RollupDimension = 'cluster' | 'namespace' | 'workload' | 'node'

/**
 * Coarser grains of startup_rollup_grains, coarsest first: the dimensions each keeps (the others are empty)
 * and its GROUPING SET over startup_rollup_hourly rows.
 */
export const ROLLUP_GRAINS = [
  { grain: 'cluster', keeps: ['cluster'], set: ['cluster'] },
  { grain: 'namespace', keeps: ['cluster', 'namespace'], set: ['cluster', 'namespace'] },
  {
    grain: 'workload',
    keeps: ['cluster', 'namespace', 'workload'],
    set: ['cluster', 'namespace', 'workload_kind', 'workload_name'],
  },
  { grain: 'node', keeps: ['cluster', 'node'], set: ['cluster', 'node'] },
] as const satisfies readonly { grain: string; keeps: readonly RollupDimension[]; set: readonly string[] }[]
export type RollupGrain = (typeof ROLLUP_GRAINS)[number]['grain']

/** The coarsest grain keeping every dimension asked for; undefined when only the hourly table has them all. */
export function grainFor(dimensions: Iterable<RollupDimension>): RollupGrain | undefined {
  const need = [...new Set(dimensions)]
  return ROLLUP_GRAINS.find((g) => need.every((d) => (g.keeps as readonly string[]).includes(d)))?.grain
}

/**
 * INSERT ... SELECT of the grain rows of one rebuild, merged from its startup_rollup_hourly rows in one pass
 * (GROUPING SETS; dimensions outside a set come out empty); each row keeps the latest retain_from of the rows it
 * merges. Parameters: rebuild, buckets.
 */
export function grainsInsertFromHourly(): string {
  const dims = ROLLUP_DIMENSIONS.map(([n]) => n).filter((n) => n !== 'bucket')
  const sets = ROLLUP_GRAINS.map((g) => `(bucket, ${[...g.set, 'outcome', 'start_kind'].join(', ')})`)
  const grain = `multiIf(${[...ROLLUP_GRAINS]
    .reverse()
    .slice(0, -1)
    .map((g) => `grouping(${g.set[g.set.length - 1]}) = 0, '${g.grain}'`)
    .join(', ')}, 'cluster')`
  const measures = ROLLUP_MEASURES.map(
    ([n]) => `${n.endsWith('_q') ? `quantilesMergeState(${LEVELS})(${n})` : `sum(${n})`} AS ${n}`,
  )
  return `INSERT INTO startup_rollup_grains (grain, bucket, rebuild, ${[...dims, ...ROLLUP_MEASURES.map(([n]) => n)].join(', ')}, retain_from)
     SELECT ${grain} AS grain, bucket, {rebuild:UInt64}, ${dims.join(', ')},
       ${measures.join(',\n       ')},
       max(retain_from) AS retain_from
     FROM startup_rollup_hourly
     WHERE bucket IN {buckets:Array(DateTime('UTC'))} AND rebuild = {rebuild:UInt64}
     GROUP BY GROUPING SETS (${sets.join(', ')})`
}
