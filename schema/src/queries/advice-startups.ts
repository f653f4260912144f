// Advice signals about startups: phase statistics per workload or node (with the excess over a target
// per phase), and the startups created by rollouts that changed only the image.
import { z } from 'zod'
import { ADDITIVE_PHASES, type AdditivePhase } from '../record/types.ts'
import { chTimeOut } from '../rows/codec.ts'
import { PHASE_COLUMN } from '../rows/startup-rows.ts'
import type { Querier } from '../store/querier.ts'
import {
  adviceSignalParams,
  chNumber,
  chNumberOrNull,
  nearestRankExact,
  nearestRankExactIf,
  nearestRankLevel,
  windowStartups,
} from './advice-window.ts'
import { startupWhere } from './filters.ts'

/**
 * Phases the advice prices (those that add up to the total), with their columns: the only identifiers that
 * reach the SQL.
 */
export const ADVICE_PHASES = Object.fromEntries(ADDITIVE_PHASES.map((p) => [p, PHASE_COLUMN[p]])) as Record<
  AdditivePhase,
  string
>
export type AdvicePhase = keyof typeof ADVICE_PHASES
const PHASES = Object.keys(ADVICE_PHASES) as AdvicePhase[]

const NEAREST_RANK_P50_P90 = `quantilesExact(${nearestRankLevel(0.5)}, ${nearestRankLevel(0.9)})`

/** quantilesExact's [p50, p90] (NULL when the phase has no value in the group). */
const QUANTILE_PAIR = z.array(z.unknown()).nullable()

const GROUPS = {
  cluster: [] as string[],
  workload: ['namespace', 'workload_kind', 'workload_name'],
  node: ["ifNull(node, '') AS node"],
} as const
export type PhaseStatsGroup = keyof typeof GROUPS

export const phaseStatsParams = adviceSignalParams.extend({
  groupBy: z.enum(['cluster', 'workload', 'node']),
  /** Per phase, the ms above which a startup's time counts as excess (phases not named get no excess). */
  targetsMs: z
    .partialRecord(z.enum(PHASES as [AdvicePhase, ...AdvicePhase[]]), z.number().int().min(0))
    .default({}),
})

export interface PhaseStat {
  /** Startups with a value for the phase. */
  count: number
  sumMs: number
  p50Ms: number | null
  p90Ms: number | null
  /** Sum of the phase over startups that became Ready (to compare with totalSumMs). */
  sumInReadyMs: number
  /** Sum over startups of max(0, phase - target); null when no target was given. */
  excessMs: number | null
}

export interface PhaseStatsRow {
  cluster: string
  namespace?: string
  workload?: { kind: string; name: string }
  node?: string
  startups: number
  ready: number
  cold: number
  totalSumMs: number
  totalP90Ms: number | null
  unschedulable: number
  /** Startups with a FailedScheduling / TriggeredScaleUp event still stored (events expire). */
  failedScheduling: number
  triggeredScaleUp: number
  /** FailedScheduling startups that got a new node (TriggeredScaleUp, or ran on a node created after them). */
  waitedNewNode: number
  /** FailedScheduling startups without a new node whose messages name full nodes (Too many pods, Insufficient). */
  waitedCapacity: number
  /** FailedScheduling startups without a new node whose messages name only placement (affinity, selector, taints). */
  waitedAffinity: number
  phases: Record<AdvicePhase, PhaseStat>
}

/** Scheduler message fragments (kube-scheduler's plugin reasons) naming full nodes. */
const CAPACITY_REASONS = ['Too many pods', 'Insufficient ']
/** ...naming nodes the pod may not go to at all: selector / affinity / anti-affinity, taints, topology spread. */
const PLACEMENT_REASONS = [
  "didn't match Pod's node affinity",
  "didn't match pod affinity",
  "didn't match pod anti-affinity",
  'untolerated taint',
  "didn't match pod topology spread",
  'node(s) had volume node affinity conflict',
]
function failedSchedulingMatching(param: 'capacityReasons' | 'placementReasons'): string {
  return `SELECT uid FROM pod_events FINAL WHERE reason = 'FailedScheduling'
    AND multiSearchAny(message, {${param}:Array(String)})`
}
const FAILED_SCHEDULING = "uid IN (SELECT uid FROM pod_events FINAL WHERE reason = 'FailedScheduling')"
const TRIGGERED_SCALE_UP = "uid IN (SELECT uid FROM pod_events FINAL WHERE reason = 'TriggeredScaleUp')"

/** Per group: startups, totals and, per phase, count, sum, p50/p90 and the excess over its target. */
export const phaseStats =
  (q: Querier) =>
  async (input: z.input<typeof phaseStatsParams>): Promise<PhaseStatsRow[]> => {
    const p = phaseStatsParams.parse(input)
    return (await phaseStatsQuery(q, p, [p.groupBy]))[p.groupBy]
  }

/**
 * phaseStats for several groupings in one scan of the window (GROUPING SETS): the advice reads workload,
 * node and cluster figures of the same startups, and each scan of FINAL rows with exact quantiles is the
 * costly part at scale.
 */
export const phaseStatsByGroups =
  (q: Querier) =>
  async (
    input: Omit<z.input<typeof phaseStatsParams>, 'groupBy'>,
    groupBys: readonly PhaseStatsGroup[] = ['cluster', 'workload', 'node'],
  ): Promise<Record<PhaseStatsGroup, PhaseStatsRow[]>> =>
    phaseStatsQuery(q, phaseStatsParams.parse({ ...input, groupBy: 'cluster' }), groupBys)

async function phaseStatsQuery(
  q: Querier,
  p: z.output<typeof phaseStatsParams>,
  groupBys: readonly PhaseStatsGroup[],
): Promise<Record<PhaseStatsGroup, PhaseStatsRow[]>> {
  const sets = [...new Set(groupBys)]
  // Only the columns the figures read: FINAL merges every column it is asked for, and the records' wide
  // columns (containers, images) are most of a row.
  const base = windowStartups(p, [
    'cluster',
    'namespace',
    'workload_kind',
    'workload_name',
    'node',
    'uid',
    'created_at',
    'outcome',
    'outcome_reason',
    'cold',
    'total_ms',
    ...PHASES.map((ph) => ADVICE_PHASES[ph]),
  ])
  const params: Record<string, unknown> = {
    ...base.params,
    capacityReasons: CAPACITY_REASONS,
    placementReasons: PLACEMENT_REASONS,
  }
  const hasWorkload = sets.includes('workload')
  const hasNode = sets.includes('node')
  // Only columns of some set may be selected; the others come out empty. grouping(x) is 1 when x is not part
  // of the row's set, and may only name keys.
  const setOf = [
    ...(hasWorkload ? ["grouping(workload_name) = 0, 'workload'"] : []),
    ...(hasNode ? ["grouping(node) = 0, 'node'"] : []),
  ]
  const cols = [
    'cluster',
    ...(hasWorkload
      ? ['namespace', 'workload_kind', 'workload_name']
      : ["'' AS namespace", "'' AS workload_kind", "'' AS workload_name"]),
    hasNode ? "ifNull(node, '') AS node" : "'' AS node",
    sets.length === 1
      ? `'${sets[0]}' AS grouping_set`
      : `multiIf(${setOf.join(', ')}, 'cluster') AS grouping_set`,
    'count() AS startups',
    "countIf(outcome = 'ready') AS ready",
    'countIf(ifNull(cold, false)) AS cold',
    'sum(ifNull(total_ms, 0)) AS total_sum',
    `${nearestRankExact(0.9)}(total_ms) AS total_p90`,
    "countIf(outcome_reason = 'Unschedulable') AS unschedulable",
    `countIf(${FAILED_SCHEDULING}) AS failed_scheduling`,
    `countIf(${TRIGGERED_SCALE_UP}) AS triggered_scale_up`,
    // The cause named by the evidence: a new node (autoscaler event, or the pod ran on a node created after
    // it), full nodes (capacity reasons, no new node), or no node matching at all (affinity / selector / taints).
    `countIf(${FAILED_SCHEDULING} AND (${TRIGGERED_SCALE_UP} OR node_created_at > created_at)) AS waited_new_node`,
    `countIf(${FAILED_SCHEDULING} AND NOT (${TRIGGERED_SCALE_UP} OR node_created_at > created_at)
      AND uid IN (${failedSchedulingMatching('capacityReasons')})) AS waited_capacity`,
    `countIf(${FAILED_SCHEDULING} AND NOT (${TRIGGERED_SCALE_UP} OR node_created_at > created_at)
      AND uid NOT IN (${failedSchedulingMatching('capacityReasons')})
      AND uid IN (${failedSchedulingMatching('placementReasons')})) AS waited_affinity`,
  ]
  for (const ph of PHASES) {
    const c = ADVICE_PHASES[ph]
    cols.push(
      `count(${c}) AS n_${ph}`,
      `sum(ifNull(${c}, 0)) AS sum_${ph}`,
      // One state for both levels: an exact quantile keeps every value, once per state.
      `${NEAREST_RANK_P50_P90}(${c}) AS q_${ph}`,
      `sumIf(ifNull(${c}, 0), total_ms IS NOT NULL) AS in_ready_${ph}`,
    )
    const target = p.targetsMs[ph]
    if (target !== undefined) {
      cols.push(`sum(greatest(toInt64(ifNull(${c}, 0)) - {target_${ph}:Int64}, 0)) AS excess_${ph}`)
      params[`target_${ph}`] = target
    }
  }
  const setSql = sets.map(
    (g) => `(${['cluster', ...GROUPS[g].map((c) => c.split(' AS ').at(-1))].join(', ')})`,
  )
  // Each startup with the creation time of the node it ran on (1970 when unknown: never after the pod).
  const withNode = `SELECT s.*, n.node_created_at AS node_created_at FROM (${base.sql}) AS s
    LEFT JOIN (SELECT cluster AS n_cluster, node AS n_node, created_at AS node_created_at FROM nodes FINAL) AS n
      ON n.n_cluster = s.cluster AND n.n_node = ifNull(s.node, '')`
  const sql = `SELECT ${cols.join(',\n  ')}
    FROM (${withNode})
    GROUP BY GROUPING SETS (${setSql.join(', ')})
    ORDER BY grouping_set, cluster, namespace, workload_kind, workload_name, node`
  const rows = await q.query('phaseStats', sql, params, z.looseObject({ cluster: z.string() }))
  const out: Record<PhaseStatsGroup, PhaseStatsRow[]> = { cluster: [], workload: [], node: [] }
  for (const raw of rows) {
    const r = raw as Record<string, unknown>
    const group = String(r.grouping_set) as PhaseStatsGroup
    const num = (k: string) => chNumber.parse(r[k])
    const numOrNull = (k: string) => chNumberOrNull.parse(r[k] ?? null)
    const phases = {} as Record<AdvicePhase, PhaseStat>
    for (const ph of PHASES) {
      const count = num(`n_${ph}`)
      const quantiles = QUANTILE_PAIR.parse(r[`q_${ph}`] ?? null) ?? []
      phases[ph] = {
        count,
        sumMs: num(`sum_${ph}`),
        p50Ms: count > 0 ? chNumber.parse(quantiles[0]) : null,
        p90Ms: count > 0 ? chNumber.parse(quantiles[1]) : null,
        sumInReadyMs: num(`in_ready_${ph}`),
        excessMs: `excess_${ph}` in r ? num(`excess_${ph}`) : null,
      }
    }
    const row: PhaseStatsRow = {
      cluster: String(r.cluster),
      startups: num('startups'),
      ready: num('ready'),
      cold: num('cold'),
      totalSumMs: num('total_sum'),
      totalP90Ms: numOrNull('total_p90'),
      unschedulable: num('unschedulable'),
      failedScheduling: num('failed_scheduling'),
      triggeredScaleUp: num('triggered_scale_up'),
      waitedNewNode: num('waited_new_node'),
      waitedCapacity: num('waited_capacity'),
      waitedAffinity: num('waited_affinity'),
      phases,
    }
    if (group === 'workload') {
      row.namespace = String(r.namespace)
      row.workload = { kind: String(r.workload_kind), name: String(r.workload_name) }
    }
    if (group === 'node') row.node = String(r.node)
    out[group].push(row)
  }
  return out
}

export interface ImageOnlyRolloutRow {
  cluster: string
  namespace: string
  workload: { kind: string; name: string }
  replicaSet: string
  startedAt: string
  images: string[]
  /** Startups of the rollout's ReplicaSet (pod name = <replicaSet>-<suffix>) created within rolloutMinutes of it. */
  pods: number
  /** Of those, pods that failed to schedule (FailedScheduling): their scheduling is capacity's, not counted. */
  capacityWaitPods: number
  /** Startups with both scheduling and sandbox known, their sum and the p90 of scheduling + sandbox. */
  pricedPods: number
  schedulingSandboxMs: number
  schedulingSandboxP90Ms: number | null
}

const rolloutRow = z.object({
  cluster: z.string(),
  namespace: z.string(),
  workload_kind: z.string(),
  workload_name: z.string(),
  replica_set: z.string(),
  started_at: chTimeOut,
  images: z.array(z.string()),
  pods: chNumber,
  capacity_wait_pods: chNumber,
  priced_pods: chNumber,
  sched_sandbox_ms: chNumber,
  sched_sandbox_p90_ms: chNumberOrNull,
})

export const imageOnlyRolloutsParams = adviceSignalParams.extend({
  /** Pods of the new ReplicaSet created this long after it count as the rollout's; later ones are churn. */
  rolloutMinutes: z.number().int().min(1).max(10_080).default(30),
})

/**
 * Rollouts that changed only images, with what the pods they replaced paid for scheduling and sandbox. Pods the
 * ReplicaSet creates later (scale-ups, evictions) would be created under an in-place update too: not counted.
 */
export const imageOnlyRollouts =
  (q: Querier) =>
  async (input: z.input<typeof imageOnlyRolloutsParams>): Promise<ImageOnlyRolloutRow[]> => {
    const p = imageOnlyRolloutsParams.parse(input)
    const s = windowStartups(p, [
      'cluster',
      'namespace',
      'workload_name',
      'pod',
      'created_at',
      // A pod that failed to schedule waited for capacity, not for its rollout: an in-place update would not
      // have had that node either, so its scheduling is not this fix's to claim (its sandbox still is).
      `if(${FAILED_SCHEDULING}, toNullable(toUInt32(0)), scheduling_ms) AS sched_ms`,
      `${FAILED_SCHEDULING} AS failed_scheduling`,
      'sandbox_ms',
    ])
    const both = 's.sched_ms IS NOT NULL AND s.sandbox_ms IS NOT NULL'
    const sql = `SELECT r.cluster AS cluster, r.namespace AS namespace, r.workload_kind AS workload_kind,
        r.workload_name AS workload_name, r.replica_set AS replica_set,
        r.started_at AS started_at, any(r.images) AS images,
        count() AS pods,
        countIf(s.failed_scheduling) AS capacity_wait_pods,
        countIf(${both}) AS priced_pods,
        sumIf(toUInt64(ifNull(s.sched_ms, 0)) + ifNull(s.sandbox_ms, 0), ${both}) AS sched_sandbox_ms,
        ${nearestRankExactIf(0.9)}(toUInt64(ifNull(s.sched_ms, 0)) + ifNull(s.sandbox_ms, 0), ${both}) AS sched_sandbox_p90_ms
      FROM workload_rollouts AS r FINAL
      INNER JOIN (${s.sql}) AS s
        ON s.cluster = r.cluster AND s.namespace = r.namespace AND s.workload_name = r.workload_name
      WHERE r.image_only = true AND startsWith(s.pod, concat(r.replica_set, '-'))
        AND s.created_at < r.started_at + toIntervalMinute({rolloutMinutes:UInt32})
      GROUP BY cluster, namespace, workload_kind, workload_name, replica_set, started_at
      ORDER BY cluster, namespace, workload_name, started_at`
    const rows = await q.query(
      'imageOnlyRollouts',
      sql,
      { ...s.params, rolloutMinutes: p.rolloutMinutes },
      rolloutRow,
    )
    return rows.map((r) => ({
      cluster: r.cluster,
      namespace: r.namespace,
      workload: { kind: r.workload_kind, name: r.workload_name },
      replicaSet: r.replica_set,
      startedAt: r.started_at,
      images: r.images,
      pods: r.pods,
      capacityWaitPods: r.capacity_wait_pods,
      pricedPods: r.priced_pods,
      schedulingSandboxMs: r.sched_sandbox_ms,
      schedulingSandboxP90Ms: r.priced_pods > 0 ? r.sched_sandbox_p90_ms : null,
    }))
  }

/**
 * Clusters with startups in the window (and namespace, when given). No FINAL: a startup's cluster is part of
 * its key, so every version names the same one.
 */
export const adviceClusters =
  (q: Querier) =>
  async (input: z.input<typeof adviceSignalParams>): Promise<string[]> => {
    const p = adviceSignalParams.parse(input)
    const { where, params } = startupWhere(p, p.namespace ? { namespace: p.namespace } : {})
    const rows = await q.query(
      'adviceClusters',
      `SELECT DISTINCT cluster FROM pod_startups WHERE ${where} ORDER BY cluster`,
      params,
      z.object({ cluster: z.string() }),
    )
    return rows.map((r) => r.cluster)
  }
