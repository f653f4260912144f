// The shape shared by the "not the pulls" rules (scheduling, sandbox, init, readiness): a phase that takes
// a large share of a group's startups, priced as the time above a target per startup.
import { z } from 'zod'
import type { AdvicePhase, PhaseStatsRow } from '../queries/advice-startups.ts'
import {
  nearestRankAt,
  percent,
  perWeek,
  perWeekSeconds,
  round1,
  seconds,
  windowAssumption,
} from './finding.ts'
import type { AdviceSignals, Artifact, Finding, FindingScope, SignalName } from './types.ts'

export function phaseThresholds(d: { minP90Seconds: number; minShare: number; targetSeconds: number }) {
  return {
    /** p90 of the phase, seconds (heuristic). */
    minP90Seconds: z.number().min(0).default(d.minP90Seconds),
    /** The phase's share of the Ready startups' total time (heuristic). */
    minShare: z.number().min(0).max(1).default(d.minShare),
    /** Per-startup time the remedy is assumed to bring the phase down to (heuristic). */
    targetSeconds: z.number().min(0).default(d.targetSeconds),
    minStartupsPerWeek: z.number().min(0).default(10),
  }
}
export interface PhaseThresholds {
  minP90Seconds: number
  minShare: number
  targetSeconds: number
  minStartupsPerWeek: number
}

function phaseShare(row: PhaseStatsRow, phase: AdvicePhase): number {
  return row.totalSumMs > 0 ? row.phases[phase].sumInReadyMs / row.totalSumMs : 0
}

export function phaseDominates(
  row: PhaseStatsRow,
  phase: AdvicePhase,
  t: PhaseThresholds,
  window: AdviceSignals['window'],
): boolean {
  const p90 = row.phases[phase].p90Ms
  return (
    p90 !== null &&
    p90 / 1000 >= t.minP90Seconds &&
    phaseShare(row, phase) >= t.minShare &&
    perWeek(row.startups, window) >= t.minStartupsPerWeek &&
    (row.phases[phase].excessMs ?? 0) > 0
  )
}

function rowScope(row: PhaseStatsRow): FindingScope {
  if (row.workload && row.namespace !== undefined)
    return { level: 'workload', cluster: row.cluster, namespace: row.namespace, workload: row.workload }
  if (row.node !== undefined) return { level: 'node', cluster: row.cluster, node: row.node }
  return { level: 'cluster', cluster: row.cluster }
}

export function phaseFinding(opts: {
  ruleId: string
  phase: AdvicePhase
  phaseLabel: string
  row: PhaseStatsRow
  query: SignalName
  t: PhaseThresholds
  window: AdviceSignals['window']
  title: string
  extraEvidence?: Finding['evidence']
  assumptions: string[]
  confidence: Finding['confidence']
  artifact?: Artifact
}): Finding {
  const { row, phase, t, window, query } = opts
  const stat = row.phases[phase]
  const p90 = stat.p90Ms ?? 0
  return {
    ruleId: opts.ruleId,
    scope: rowScope(row),
    title: opts.title,
    evidence: [
      {
        label: `${opts.phaseLabel} p90`,
        value: round1(p90 / 1000),
        unit: 's',
        query,
        percentile: nearestRankAt(0.9),
      },
      {
        label: `${opts.phaseLabel} p50`,
        value: round1((stat.p50Ms ?? 0) / 1000),
        unit: 's',
        query,
        percentile: nearestRankAt(0.5),
      },
      {
        label: `${opts.phaseLabel} share of Ready startups' time`,
        value: percent(phaseShare(row, phase)),
        unit: '%',
        query,
      },
      { label: 'startups', value: row.startups, unit: 'startups', query },
      {
        label: `${opts.phaseLabel} above ${seconds(t.targetSeconds * 1000)} per startup, total`,
        value: round1((stat.excessMs ?? 0) / 1000),
        unit: 's',
        query,
      },
      ...(opts.extraEvidence ?? []),
    ],
    saving: {
      p90SecondsPerStartup: round1(Math.max(0, p90 / 1000 - t.targetSeconds)),
      podSecondsPerWeek: perWeekSeconds(stat.excessMs ?? 0, window),
      assumptions: [
        `the remedy brings ${opts.phaseLabel} down to ${t.targetSeconds} s per startup (a heuristic target); time below it is not counted`,
        ...opts.assumptions,
        windowAssumption(window),
      ],
    },
    confidence: opts.confidence,
    artifact: opts.artifact,
  }
}
