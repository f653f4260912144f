// What every advice signal query shares: the window and scope parameters, the latest-version join that
// keeps each startup's pulls counted once, and decoders for ClickHouse numbers in both store modes.
import { z } from 'zod'
import { startupWhere, timeWindow } from './filters.ts'

export const adviceSignalParams = timeWindow.extend({
  cluster: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
})
export type AdviceSignalParams = z.input<typeof adviceSignalParams>

/** Integers and floats as either mode prints them (64-bit integers arrive quoted). */
export const chNumber = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/)])
  .transform((v) => Number(v))
export const chNumberOrNull = chNumber.nullable()

/** The startups of the window (deduplicated) as a subquery, with its parameters. */
export function windowStartups(p: z.output<typeof adviceSignalParams>, columns: string[]) {
  const filters = {
    ...(p.cluster ? { cluster: p.cluster } : {}),
    ...(p.namespace ? { namespace: p.namespace } : {}),
  }
  const { where, params } = startupWhere(p, filters)
  return { sql: `SELECT ${columns.join(', ')} FROM pod_startups FINAL WHERE ${where}`, params }
}

/**
 * Pulls of the window's startups, of the startup's latest version only: a pull dropped by a later write of
 * the same record stays out. `s` exposes the startup columns asked for.
 */
export function windowPulls(p: z.output<typeof adviceSignalParams>, startupColumns: string[] = []) {
  // Joined on two independent 64-bit hashes of (cluster, uid, version): fixed-width keys build the hash
  // table of millions of startups in half the time string keys take, and telling two startups apart fails
  // only if both hashes collide at once (about 2^-128 per pair).
  const s = windowStartups(p, [`${KEY1('')} AS key1`, `${KEY2('')} AS key2`, ...startupColumns])
  return {
    from: `image_pulls AS p FINAL
      INNER JOIN (${s.sql}) AS s ON s.key1 = ${KEY1('p.')} AND s.key2 = ${KEY2('p.')}`,
    params: s.params,
  }
}

/**
 * Where a pull signal reads the window's pulls from: `from` exposes them as `p` (image_pulls columns), and
 * `startupTotal` is the total_ms of the startup each belongs to.
 */
export interface PullSource {
  from: string
  startupTotal: string
  params: Record<string, unknown>
}

/** The exact path of one signal on its own: the latest-version join, run by that signal's query. */
export function joinedPulls(p: z.output<typeof adviceSignalParams>, withTotal = false): PullSource {
  const w = windowPulls(p, withTotal ? ['total_ms'] : [])
  return { from: w.from, startupTotal: 's.total_ms', params: w.params }
}

/**
 * The image_pulls columns the pull signals read (and nothing else): what the shared pass keeps of each
 * joined pull.
 */
const SHARED_PULL_COLUMNS = [
  'cluster',
  'namespace',
  'workload_kind',
  'workload_name',
  'image',
  'node',
  'image_digest',
  'cached',
  'outcome',
  'pull_ms',
  'wait_ms',
  'attempts',
  'failure_reason',
  'size_bytes',
  'size_kind',
  'download_ms',
  'decompress_ms',
  'split_method',
  'init',
  'runtime',
  'started_at',
  'pod_created_at',
] as const

/** Prefix of the shared pass's scratch tables (one per evaluation, dropped when it ends). */
export const SHARED_PULLS_PREFIX = 'advice_pulls_'

/**
 * The shared pass: the latest-version join done once per evaluation, its rows (narrowed to the columns the
 * signals read) written to a scratch table `table` of the store's database that every pull signal then reads
 * instead of its own join. `create` writes it; `source` is what each signal's SQL reads.
 */
export function sharedPulls(
  p: z.output<typeof adviceSignalParams>,
  table: string,
): { create: string; params: Record<string, unknown>; source: PullSource } {
  if (!new RegExp(`^${SHARED_PULLS_PREFIX}[0-9a-f]{32}$`).test(table))
    throw new Error(`not a scratch table name of the shared pass: ${table}`)
  const w = windowPulls(p, ['total_ms'])
  const cols = SHARED_PULL_COLUMNS.map((c) => `p.${c} AS ${c}`)
  return {
    // A startup's pulls carry its created_at (pod_created_at, immutable), so the window and cluster also narrow
    // the pulls side of the join. (Sorting the table by image for in-order aggregation cost the write more than
    // it saved the signals: measured at 10M pulls, +5-8 s against -2.5 s.)
    create: `CREATE TABLE ${table} ENGINE = MergeTree ORDER BY tuple()
      AS SELECT ${cols.join(', ')}, s.total_ms AS startup_total_ms FROM ${w.from}
      WHERE p.pod_created_at >= {from:DateTime64(3, 'UTC')} AND p.pod_created_at < {to:DateTime64(3, 'UTC')}${
        p.cluster ? ' AND p.cluster = {cluster:String}' : ''
      }`,
    params: w.params,
    source: { from: `${table} AS p`, startupTotal: 'p.startup_total_ms', params: {} },
  }
}

const KEY1 = (t: string) => `cityHash64(${t}cluster, ${t}uid, ${t}version)`
const KEY2 = (t: string) => `xxHash64(concat(${t}cluster, '/', ${t}uid, '/', toString(${t}version)))`

/**
 * The level to give ClickHouse's quantileExact (and quantileExactIf, quantilesExact) so that it returns the
 * nearest-rank percentile, the one method podstart states (queries/percentiles.ts): quantileExact(q) takes the
 * value at 0-based index floor(q * n) of the n sorted values, the nearest rank is index ceil(p * n) - 1. The two
 * differ only when p * n is a whole number; q = p - 1e-12 moves such a product just below it and leaves any other
 * (whose fraction is at least 0.01 for a level in hundredths) on the same index, for n up to 10^10 values.
 * Levels are code constants in hundredths (0.5, 0.9, 0.99); the literal reaches the SQL as a number.
 */
export function nearestRankLevel(level: number): string {
  const hundredths = Math.round(level * 100)
  if (hundredths < 1 || hundredths > 99 || Math.abs(level * 100 - hundredths) > 1e-9)
    throw new Error(`nearest-rank level must be one of 0.01 ... 0.99, got ${level}`)
  return (hundredths / 100 - 1e-12).toFixed(14)
}

/** quantileExact at the nearest rank of p (an aggregate function name, for `${...}(values)`). */
export const nearestRankExact = (level: number) => `quantileExact(${nearestRankLevel(level)})`
export const nearestRankExactIf = (level: number) => `quantileExactIf(${nearestRankLevel(level)})`

/** A pull that fetched something and succeeded. */
export const COLD_PULL = "(NOT p.cached AND p.outcome = 'ok' AND p.pull_ms IS NOT NULL)"
