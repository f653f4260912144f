// Shared filters of startup queries: a time window on created_at plus optional dimensions.
// Values always become query parameters; the SQL around them comes from fixed text.
import { z } from 'zod'
import { isoToCh } from '../rows/codec.ts'

const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'expected ISO-8601 UTC with ms')

export const startupFilters = z
  .object({
    cluster: z.string().min(1),
    namespace: z.string().min(1),
    /** Workload name (any kind). */
    workload: z.string().min(1),
    node: z.string().min(1),
    /** Image reference exactly as in the pod spec. */
    image: z.string().min(1),
  })
  .partial()
export type StartupFilters = z.infer<typeof startupFilters>

export const timeWindow = z.object({
  /** Inclusive start of created_at. */
  from: iso,
  /** Exclusive end of created_at. */
  to: iso,
})

export const OUTCOMES = ['ready', 'completed', 'failed', 'pending', 'deleted'] as const

/**
 * One-off Jobs named by generateName (`cleanup-x7k2p`: a stem and five characters of the API server's random
 * alphabet, which has no vowels) are one workload per stem on the dashboard, as CronJob children are one CronJob:
 * grouped as `<stem>-*`. Applied at query time, so rows stored before it group the same way.
 */
export const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'
export const WORKLOAD_GROUP_SQL = `if(workload_kind = 'Job', replaceRegexpOne(workload_name, '-[${GENERATE_NAME_ALPHABET}]{5}$', '-*'), workload_name)`
/** A workload filter: the name itself, or for `<stem>-*` every ad hoc Job of that stem. */
export const WORKLOAD_FILTER_SQL = `(workload_name = {workload:String} OR (workload_kind = 'Job' AND endsWith({workload:String}, '-*') AND startsWith(workload_name, substring({workload:String}, 1, length({workload:String}) - 1)) AND match(substring(workload_name, length({workload:String})), '^[${GENERATE_NAME_ALPHABET}]{5}$')))`

const FILTER_SQL: Record<keyof StartupFilters, string> = {
  cluster: 'cluster = {cluster:String}',
  namespace: 'namespace = {namespace:String}',
  workload: WORKLOAD_FILTER_SQL,
  node: 'node = {node:String}',
  image: 'has(images, {image:String})',
}

/** WHERE conditions (joined by AND) and their parameters for pod_startups. */
export function startupWhere(
  window: { from: string; to: string } | undefined,
  filters: StartupFilters = {},
  outcome?: string,
): { where: string; params: Record<string, unknown> } {
  const conds: string[] = []
  const params: Record<string, unknown> = {}
  if (window) {
    conds.push("created_at >= {from:DateTime64(3, 'UTC')}", "created_at < {to:DateTime64(3, 'UTC')}")
    params.from = isoToCh(window.from)
    params.to = isoToCh(window.to)
  }
  for (const key of Object.keys(FILTER_SQL) as (keyof StartupFilters)[]) {
    const value = filters[key]
    if (value === undefined) continue
    conds.push(FILTER_SQL[key])
    params[key] = value
  }
  if (outcome !== undefined) {
    conds.push('outcome = {outcome:String}')
    params.outcome = outcome
  }
  return { where: conds.length ? conds.join(' AND ') : '1', params }
}
