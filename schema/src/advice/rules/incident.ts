// incident: a workload whose last hour is far slower in one phase than its own previous days. Not a fix but an
// alarm with evidence: it ranks before every other finding while it lasts, and its figure is the last hour's
// excess over the workload's baseline, never scaled to a week.
import { z } from 'zod'
import { ADVICE_PHASES, type AdvicePhase } from '../../queries/advice-startups.ts'
import { nearestRankAt, renderFinding, round1 } from '../finding.ts'
import { defineRule, type Finding } from '../types.ts'

const thresholds = z
  .object({
    /** Minutes at the end of the window evaluated as the acute window. */
    windowMinutes: z.number().int().min(1).max(1440).default(60),
    /** Days before the acute window whose hourly figures are the baseline. */
    baselineDays: z.number().int().min(1).max(30).default(7),
    /** The acute window's mean per startup must be at least this many times the baseline's median hour (heuristic). */
    factor: z.number().min(1).default(3),
    /** ... and above the baseline's p90 hour, and at least this many seconds above its median (heuristic). */
    minIncreaseSeconds: z.number().min(0).default(2),
    /** Complete startups in the acute window (heuristic). */
    minStartups: z.number().int().min(1).default(5),
    /** Pod-seconds above the baseline in the acute window (heuristic). */
    minExcessSeconds: z.number().min(0).default(60),
    /** Baseline hours with complete startups: a workload without history has no baseline (heuristic). */
    minBaselineHours: z.number().int().min(1).default(12),
  })
  .strict()

const PHASES = Object.keys(ADVICE_PHASES) as AdvicePhase[]
const LABEL: Record<AdvicePhase, string> = {
  scheduling: 'scheduling',
  sandbox: 'sandbox',
  init: 'init containers',
  pullWait: 'pull wait',
  pull: 'image pull',
  start: 'container start',
  ready: 'started -> Ready',
}

export const incident = defineRule({
  id: 'incident',
  title: 'Acute incident: the last hour against the workload’s own baseline',
  signals: ['workloadAcute'],
  thresholds,
  signalSettings: (t) => ({ acuteWindowMinutes: t.windowMinutes, acuteBaselineDays: t.baselineDays }),
  evaluate(signals, t) {
    const out: Finding[] = []
    for (const row of signals.workloadAcute) {
      if (row.lastComplete < t.minStartups || row.baselineHours < t.minBaselineHours) continue
      for (const phase of PHASES) {
        const s = row.phases[phase]
        const lastPer = s.lastSumMs / row.lastComplete
        const base = s.basePerStartupP50Ms
        const excessMs = s.lastSumMs - base * row.lastComplete
        if (
          lastPer < t.factor * base ||
          lastPer <= s.basePerStartupP90Ms ||
          lastPer - base < t.minIncreaseSeconds * 1000 ||
          excessMs < t.minExcessSeconds * 1000
        )
          continue
        const minutes = Math.round((row.window.toMs - row.window.fromMs) / 60_000)
        const excess = round1(excessMs / 1000)
        const hours = round1((row.window.toMs - row.window.fromMs) / 3_600_000)
        const q = 'workloadAcute' as const
        out.push({
          ruleId: 'incident',
          scope: {
            level: 'workload',
            cluster: row.cluster,
            namespace: row.namespace,
            workload: row.workload,
          },
          title: `${row.workload.name}: ${LABEL[phase]} ${round1(lastPer / 1000)} s per startup in the last ${minutes} min, ${round1(lastPer / Math.max(base, 1))}x its ${t.baselineDays}-day baseline (${round1(base / 1000)} s)`,
          evidence: [
            {
              label: `${LABEL[phase]} per startup, last ${minutes} min`,
              value: round1(lastPer / 1000),
              unit: 's',
              query: q,
            },
            {
              label: `${LABEL[phase]} per startup, baseline median hour`,
              value: round1(base / 1000),
              unit: 's',
              query: q,
              percentile: nearestRankAt(0.5),
            },
            {
              label: `${LABEL[phase]} per startup, baseline p90 hour`,
              value: round1(s.basePerStartupP90Ms / 1000),
              unit: 's',
              query: q,
              percentile: nearestRankAt(0.9),
            },
            {
              label: `${LABEL[phase]} pod-seconds, last ${minutes} min`,
              value: round1(s.lastSumMs / 1000),
              unit: 's',
              query: q,
            },
            {
              label: `${LABEL[phase]} pod-seconds per hour, baseline median / p90`,
              value: `${round1(s.baseHourlyP50Ms / 1000)} / ${round1(s.baseHourlyP90Ms / 1000)}`,
              unit: 's',
              query: q,
              percentile: nearestRankAt(0.5, 0.9),
            },
            {
              label: `complete startups, last ${minutes} min`,
              value: row.lastComplete,
              unit: 'startups',
              query: q,
            },
            {
              label: `startups created, last ${minutes} min`,
              value: row.lastStartups,
              unit: 'startups',
              query: q,
            },
            {
              label: `baseline hours with startups (${t.baselineDays} days)`,
              value: row.baselineHours,
              unit: 'hours',
              query: q,
            },
            { label: 'baseline complete startups', value: row.baselineComplete, unit: 'startups', query: q },
          ],
          saving: {
            p90SecondsPerStartup: round1((lastPer - base) / 1000),
            // The acute window's excess, unscaled: the figure is per hour of incident, not per week.
            podSecondsPerWeek: excess,
            assumptions: [
              `the figure is the last ${minutes} minutes' ${LABEL[phase]} time above the workload's baseline (its median hour over the previous ${t.baselineDays} days, ${round1(base / 1000)} s per startup, times the ${row.lastComplete} complete startups), not a weekly extrapolation: it is lost again every such hour the incident lasts`,
              'only startups that became Ready with every phase known are counted; pods still pending are not',
            ],
            basis: {
              windowHours: hours,
              podSecondsInWindow: excess,
              weekly: 'acute',
              podSecondsPerHour: hours > 0 ? round1(excess / hours) : 0,
            },
          },
          confidence: 'high',
          phases: [phase],
          acute: {
            from: new Date(row.window.fromMs).toISOString(),
            to: new Date(row.window.toMs).toISOString(),
            baselineDays: t.baselineDays,
          },
        })
      }
    }
    return out
  },
  render(finding) {
    return renderFinding(
      finding,
      'An incident in progress: this phase is far slower in the last hour than in any usual hour of the ' +
        "workload's previous days. Look at what changed in the last hour (a rollout, a node pool, the registry, " +
        'a dependency the probes wait on) before the weekly findings below; the excess stops when it does.',
    )
  },
})
