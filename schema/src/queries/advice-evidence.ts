// The pods behind each finding: how many startups of its scope and window spent time in the phases its fix
// removes, that time summed (the ceiling of any saving), and the slowest of them (links to their waterfalls).
// One query for every finding (UNION ALL of one filtered scan each, over deduplicated startups).
import { z } from 'zod'
import { isoToCh } from '../rows/codec.ts'
import type { Querier } from '../store/querier.ts'
import { ADVICE_PHASES, type AdvicePhase } from './advice-startups.ts'
import { chNumber } from './advice-window.ts'
import { timeWindow } from './filters.ts'

const phaseName = z.enum(Object.keys(ADVICE_PHASES) as [AdvicePhase, ...AdvicePhase[]])

export const findingPodsParams = timeWindow.extend({
  /** Slowest pods returned per finding. */
  slowest: z.number().int().min(0).max(50).default(3),
  findings: z
    .array(
      z
        .object({
          cluster: z.string().min(1),
          namespace: z.string().min(1).optional(),
          /** Workload name (any kind: kinds share the name space of their namespace's pods). */
          workload: z.string().min(1).optional(),
          node: z.string().min(1).optional(),
          image: z.string().min(1).optional(),
          phases: z.array(phaseName).min(1, 'a finding needs the phases its fix removes'),
        })
        .strict(),
    )
    .max(100, 'at most 100 findings per call'),
})
export type FindingPodsInput = z.input<typeof findingPodsParams>

export interface FindingPodsRow {
  count: number
  lostMs: number
  slowest: Array<{ cluster: string; namespace: string; pod: string; uid: string; ms: number }>
}

const SCOPE_SQL = {
  namespace: 'namespace = {ns_IDX:String}',
  workload: 'workload_name = {wl_IDX:String}',
  node: 'node = {node_IDX:String}',
  image: 'has(images, {img_IDX:String})',
} as const
const SCOPE_PARAM = { namespace: 'ns', workload: 'wl', node: 'node', image: 'img' } as const

type ScopeKey = keyof typeof SCOPE_SQL
const PREFILTER_SQL: Record<ScopeKey, (param: string) => string> = {
  namespace: (v) => `namespace IN {${v}:Array(String)}`,
  workload: (v) => `workload_name IN {${v}:Array(String)}`,
  node: (v) => `node IN {${v}:Array(String)}`,
  image: (v) => `hasAny(images, {${v}:Array(String)})`,
}

/**
 * A condition every row some finding counts meets (a superset of their union), so that the per-finding
 * aggregates only see rows that can match: findings with the same scope dimensions share one conjunction of
 * "value in the set of those findings' values", and of "some of their phases took time". Findings scoped to a
 * cluster only leave every row of their clusters in (the aggregates still test the cluster).
 */
function prefilterSql(
  findings: z.output<typeof findingPodsParams>['findings'],
  params: Record<string, unknown>,
) {
  const groups = new Map<
    string,
    { keys: ScopeKey[]; values: Map<ScopeKey, Set<string>>; phases: Set<AdvicePhase> }
  >()
  for (const f of findings) {
    const keys = (Object.keys(SCOPE_SQL) as ScopeKey[]).filter((k) => f[k] !== undefined)
    const sig = keys.join(',')
    const g = groups.get(sig) ?? {
      keys,
      values: new Map(keys.map((k) => [k, new Set<string>()])),
      phases: new Set(),
    }
    for (const k of keys) g.values.get(k)?.add(f[k] as string)
    for (const ph of f.phases) g.phases.add(ph)
    groups.set(sig, g)
  }
  return [...groups.values()]
    .map((g, gi) => {
      const conds = g.keys.map((k) => {
        const name = `pf_${gi}_${SCOPE_PARAM[k]}`
        params[name] = [...(g.values.get(k) ?? [])].sort()
        return PREFILTER_SQL[k](name)
      })
      conds.push(`(${[...g.phases].map((ph) => `ph_${ph}`).join(' + ')}) > 0`)
      return `(${conds.join(' AND ')})`
    })
    .join(' OR ')
}

/**
 * Per finding (same order as asked): pods that spent time in its phases, their time and the slowest. One scan of
 * the window's deduplicated startups for every finding (conditional aggregates), not one scan each: a large
 * store pays FINAL once.
 */
export const findingPods =
  (q: Querier) =>
  async (input: FindingPodsInput): Promise<FindingPodsRow[]> => {
    const p = findingPodsParams.parse(input)
    if (p.findings.length === 0) return []
    const params: Record<string, unknown> = {
      from: isoToCh(p.from),
      to: isoToCh(p.to),
      slowest: p.slowest,
      clusters: [...new Set(p.findings.map((f) => f.cluster))],
    }
    const phases = [...new Set(p.findings.flatMap((f) => f.phases))]
    const cols: string[] = []
    p.findings.forEach((f, i) => {
      const conds = ['cluster = {cl_IDX:String}']
      params[`cl_${i}`] = f.cluster
      for (const key of Object.keys(SCOPE_SQL) as (keyof typeof SCOPE_SQL)[]) {
        const v = f[key]
        if (v === undefined) continue
        conds.push(SCOPE_SQL[key])
        params[`${SCOPE_PARAM[key]}_${i}`] = v
      }
      const lost = [...new Set(f.phases)].map((ph) => `ph_${ph}`).join(' + ')
      const cond = `(${conds.join(' AND ')} AND (${lost}) > 0)`.replaceAll('IDX', String(i))
      cols.push(
        `countIf(${cond}) AS pods_${i}`,
        `sumIf(${lost}, ${cond}) AS lost_${i}`,
        `arrayMap(t -> (-t.1, t.2, t.3, t.4, t.5), arraySlice(
          groupArraySortedIf(50)((-toInt64(${lost}), cluster, namespace, pod, uid), ${cond}), 1, {slowest:UInt32})) AS slow_${i}`,
      )
    })
    const prefilter = prefilterSql(p.findings, params)
    const sql = `SELECT ${cols.join(',\n  ')}
      FROM (SELECT cluster, namespace, workload_name, node, images, pod, uid,
              ${phases.map((ph) => `toUInt64(ifNull(${ADVICE_PHASES[ph]}, 0)) AS ph_${ph}`).join(', ')}
            FROM pod_startups FINAL
            WHERE created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
              AND cluster IN {clusters:Array(String)})
      WHERE ${prefilter}`
    const [raw] = await q.query('findingPods', sql, params, z.looseObject({}))
    const r = (raw ?? {}) as Record<string, unknown>
    const slowRow = z.array(z.tuple([chNumber, z.string(), z.string(), z.string(), z.string()]))
    return p.findings.map((_, i) => ({
      count: chNumber.parse(r[`pods_${i}`] ?? 0),
      lostMs: chNumber.parse(r[`lost_${i}`] ?? 0),
      slowest: slowRow
        .parse(r[`slow_${i}`] ?? [])
        .map(([ms, cluster, namespace, pod, uid]) => ({ cluster, namespace, pod, uid, ms })),
    }))
  }

/** Tables whose rows the advice reads: a change in any of them changes the findings. */
const ADVICE_INPUT_TABLES = [
  'pod_startups',
  'image_pulls',
  'image_profiles',
  'workload_rollouts',
  'nodes',
] as const

/**
 * A fingerprint of the data the advice reads: rows and the latest write version of each input table. It changes
 * when a history import lands, `podstart import` or the collector writes, a profile is stored or pulls are
 * re-split (re-written rows carry a newer version). Cheap: counts come from part metadata, max(version) reads
 * one column.
 */
export const adviceDataVersion = (q: Querier) => async (): Promise<string> => {
  const sql = ADVICE_INPUT_TABLES.map(
    (t) => `SELECT '${t}' AS t, count() AS n, max(version) AS v FROM ${t}`,
  ).join('\nUNION ALL\n')
  const rows = await q.query(
    'adviceDataVersion',
    sql,
    {},
    z.object({ t: z.string(), n: chNumber, v: chNumber }),
  )
  return rows
    .sort((a, b) => a.t.localeCompare(b.t))
    .map((r) => `${r.t}:${r.n}:${r.v}`)
    .join(',')
}
