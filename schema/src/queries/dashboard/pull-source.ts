// Where image pull aggregates come from: pull_rollup_grains for the hours the rollups serve (the coarsest grain
// with the dimensions asked for), image_pulls for the rest; filters the grains cannot answer (namespace,
// workload) read image_pulls FINAL for the whole window.
import { PULL_DIMENSIONS, PULL_MEASURES, type PullDimension, pullGrainFor } from '../../rows/pull-rollups.ts'
import type { Querier } from '../../store/querier.ts'
import type { StartupFilters } from '../filters.ts'
import { servedConditions, servedDays, servedWindow } from './rollup-source.ts'

const GRAIN_FILTER_SQL: Partial<Record<keyof StartupFilters, [PullDimension, string]>> = {
  cluster: ['cluster', 'cluster = {cluster:String}'],
  image: ['image', 'image = {image:String}'],
  node: ['node', 'node = {node:String}'],
}

export interface PullSourceOptions {
  where: string
  params: Record<string, unknown>
  filters: StartupFilters
  /** Dimensions the question groups by. */
  dimensions: PullDimension[]
  mode: 'auto' | 'raw'
  /** Time bucket of raw rows when the question's step is finer than an hour (then no rollup is read). */
  rawBucket?: string
  /** Whole served days may come from the day rows (questions grouping by nothing finer than a day). */
  days?: boolean
}

/**
 * FROM subquery of pull-rollup-shaped rows (bucket, cluster, image, size_class, node, measures), each pull once.
 * Raw rows keep the highest version of each pull with LIMIT 1 BY (see startupSource).
 */
export async function pullSource(
  q: Querier,
  window: { from: string; to: string },
  o: PullSourceOptions,
): Promise<{ from: string; params: Record<string, unknown> }> {
  const set = Object.keys(o.filters).filter((k) => o.filters[k as keyof StartupFilters] !== undefined)
  const answerable = set.every((k) => k in GRAIN_FILTER_SQL)
  const filterDims = set.flatMap((k) => GRAIN_FILTER_SQL[k as keyof StartupFilters]?.[0] ?? [])
  const grain = answerable ? pullGrainFor([...o.dimensions, ...filterDims]) : undefined
  const kept = new Set<string>(grain ? ['bucket', ...grain.set] : PULL_DIMENSIONS.map(([n]) => n))
  const rawSelect = [
    ...PULL_DIMENSIONS.map(([n, e]) =>
      n === 'bucket' && o.rawBucket
        ? `${o.rawBucket} AS bucket`
        : kept.has(n)
          ? `${e} AS ${n}`
          : `'' AS ${n}`,
    ),
    ...PULL_MEASURES.map(([n, e]) => `${e} AS ${n}`),
  ].join(', ')
  const group = PULL_DIMENSIONS.map(([n]) => n)
    .filter((n) => kept.has(n))
    .join(', ')
  if (o.mode === 'raw' || !grain || o.rawBucket) {
    return {
      from: `(SELECT ${rawSelect} FROM image_pulls FINAL WHERE ${o.where} GROUP BY ${group})`,
      params: o.params,
    }
  }
  let served = await servedWindow(q, window, { days: o.days === true })
  let dayCond: ReturnType<typeof servedConditions> | null = null
  if (o.days) {
    const split = await servedDays(q, served)
    served = split.hours
    if (split.days.length > 0) dayCond = servedConditions({ served: split.days, ranges: [] }, 'bucket', 'd')
  }
  const cond = servedConditions(served, 'pod_created_at')
  const parts: string[] = []
  const filterSql = set.map((k) => ` AND ${GRAIN_FILTER_SQL[k as keyof StartupFilters]?.[1]}`).join('')
  if (dayCond?.rollup)
    parts.push(`SELECT ${[...PULL_DIMENSIONS, ...PULL_MEASURES].map(([n]) => n).join(', ')}
    FROM pull_rollup_day_grains WHERE grain = '${grain.grain}' AND ${dayCond.rollup}${filterSql}`)
  if (cond.rollup) {
    parts.push(`SELECT ${[...PULL_DIMENSIONS, ...PULL_MEASURES].map(([n]) => n).join(', ')}
    FROM pull_rollup_grains WHERE grain = '${grain.grain}' AND ${cond.rollup}${filterSql}`)
  }
  if (cond.raw) {
    parts.push(`SELECT ${rawSelect} FROM (
      SELECT * FROM image_pulls PREWHERE ${cond.raw}
      ORDER BY version DESC LIMIT 1 BY cluster, uid, container, init
    )
    WHERE ${o.where}
    GROUP BY ${group}`)
  }
  if (parts.length === 0) parts.push(`SELECT ${rawSelect} FROM image_pulls WHERE 0 GROUP BY ${group}`)
  return {
    from: `(\n    ${parts.join('\n    UNION ALL\n    ')}\n  )`,
    params: { ...o.params, ...cond.params, ...dayCond?.params },
  }
}
