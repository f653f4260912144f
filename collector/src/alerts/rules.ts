// Alert rules over plain data: which alert conditions a written startup record shows (slow pulls per image-size
// class, pull failures and back-off), and which windowed conditions the store shows (startup p90 over a
// workload's objective, a node whose pull throughput collapsed).
import { PERCENTILE_METHODS, type PhaseBreakdownRow, type PullSample } from '@podstart/schema/queries'
import type { StartupRecord } from '@podstart/schema/record'
import type { RulesConfig } from './config.ts'

export interface Observation {
  rule: 'slow-pull' | 'pull-failures' | 'startup-p90' | 'node-pull-throughput'
  labels: Record<string, string>
  annotations: Record<string, string>
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`

export function sizeClassOf(rules: RulesConfig['slowPull'], sizeBytes: number | null) {
  if (sizeBytes === null)
    return rules.sizeClasses.find((c) => c.name === rules.unknownSizeClass) ?? rules.sizeClasses[0]
  return (
    rules.sizeClasses.find((c) => c.maxBytes === null || sizeBytes < c.maxBytes) ?? rules.sizeClasses.at(-1)
  )
}

/** Conditions shown by one startup record: one observation per slow or failing pull. */
export function observeRecord(rules: RulesConfig, r: StartupRecord): Observation[] {
  const out: Observation[] = []
  for (const p of r.pulls) {
    if (rules.slowPull.enabled && !p.cached && p.outcome === 'ok' && p.pullMs !== null) {
      const cls = sizeClassOf(rules.slowPull, p.sizeBytes)
      const ms = p.pullMs + (p.waitMs ?? 0)
      if (cls && ms > cls.slowMs) {
        const scope: Record<string, string> =
          rules.slowPull.per === 'image'
            ? { image: p.image, namespace: r.namespace }
            : { namespace: r.namespace }
        out.push({
          rule: 'slow-pull',
          labels: {
            alertname: 'PodstartSlowImagePull',
            severity: 'warning',
            cluster: r.cluster,
            size_class: cls.name,
            ...scope,
          },
          annotations: {
            summary: `Slow image pull: ${p.image} took ${secs(ms)} (${cls.name}, threshold ${secs(cls.slowMs)})`,
            description: `Pod ${r.namespace}/${r.pod} on node ${r.node ?? '?'}: pull ${secs(p.pullMs)}, waiting ${secs(p.waitMs ?? 0)}${p.sizeBytes ? `, ${mb(p.sizeBytes)}` : ''}.`,
          },
        })
      }
    }
    if (rules.pullFailures.enabled && (p.outcome !== 'ok' || p.attempts > 1)) {
      out.push({
        rule: 'pull-failures',
        labels: {
          alertname: 'PodstartImagePullFailures',
          severity: p.outcome === 'ok' ? 'warning' : 'critical',
          cluster: r.cluster,
          namespace: r.namespace,
          image: p.image,
        },
        annotations: {
          summary: `Image pulls failing: ${p.image} (${p.failureReason ?? p.outcome}, ${p.attempts} attempts)`,
          description: `Pod ${r.namespace}/${r.pod} on node ${r.node ?? '?'}: outcome ${p.outcome}.`,
        },
      })
    }
  }
  return out
}

/** Workloads whose startup p90 over the window is above their objective. */
export function startupObjectiveBreaches(
  rules: RulesConfig['startupP90'],
  rows: PhaseBreakdownRow[],
): Observation[] {
  const out: Observation[] = []
  for (const row of rows) {
    const ns = row.group.namespace ?? ''
    const name = row.group.workload ?? ''
    const objective = rules.objectives[`${ns}/${name}`] ?? rules.objectiveMs
    const p90 = row.total.p90
    if (!name || p90 === null || row.total.count < rules.minStartups || p90 <= objective) continue
    out.push({
      rule: 'startup-p90',
      labels: {
        alertname: 'PodstartStartupObjective',
        severity: 'warning',
        cluster: row.group.cluster ?? '',
        namespace: ns,
        workload: name,
      },
      annotations: {
        summary: `Startup p90 of ${ns}/${name} is ${secs(p90)}, above its objective of ${secs(objective)}`,
        description: `${row.total.count} startups in the window; p90 by nearest rank (exact).`,
        // phaseBreakdown computes the p90 from the raw rows (nearestRankSql), not from rollup states.
        percentile_method: PERCENTILE_METHODS.nearestRank,
      },
    })
  }
  return out
}

/** Nodes whose median cold-pull throughput fell below collapseRatio of the cluster's median. */
export function throughputCollapses(
  rules: RulesConfig['nodeThroughput'],
  pulls: PullSample[],
): Observation[] {
  const byNode = new Map<string, { cluster: string; rates: number[] }>()
  const all: number[] = []
  for (const p of pulls) {
    if (p.cached || p.outcome !== 'ok' || !p.pullMs || !p.sizeBytes || !p.node) continue
    const rate = (p.sizeBytes * 1000) / p.pullMs
    all.push(rate)
    const e = byNode.get(p.node) ?? { cluster: p.cluster, rates: [] }
    e.rates.push(rate)
    byNode.set(p.node, e)
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  if (all.length < rules.minPulls) return []
  const clusterMedian = median(all)
  const out: Observation[] = []
  for (const [node, e] of byNode) {
    if (e.rates.length < rules.minPulls) continue
    const m = median(e.rates)
    if (m >= clusterMedian * rules.collapseRatio) continue
    out.push({
      rule: 'node-pull-throughput',
      labels: { alertname: 'PodstartNodePullThroughput', severity: 'warning', cluster: e.cluster, node },
      annotations: {
        summary: `Pull throughput on node ${node} collapsed to ${mb(m)}/s (cluster median ${mb(clusterMedian)}/s)`,
        description: `${e.rates.length} cold pulls in the window.`,
      },
    })
  }
  return out
}
