// evaluateAdvice: fetches the signals every rule reads, per cluster, runs the rules with that cluster's
// thresholds and returns the findings ranked by saving. The only I/O of the advice engine.

import { acutePhases } from '../queries/advice-acute.ts'
import { findingPods } from '../queries/advice-evidence.ts'
import { imageProfilesLatest } from '../queries/advice-inventory.ts'
import { PULL_SIGNALS, sharedPullSignals } from '../queries/advice-shared.ts'
import { workloadSpecs } from '../queries/advice-specs.ts'
import {
  type AdvicePhase,
  adviceClusters,
  imageOnlyRollouts,
  phaseStatsByGroups,
} from '../queries/advice-startups.ts'
import type { Querier } from '../store/querier.ts'
import { type AdviceConfig, thresholdsOf } from './config.ts'
import { rankFindings, savingBasis } from './finding.ts'
import { RULE_PHASES, RULES } from './rules/index.ts'
import type {
  AdviceSignals,
  Finding,
  FindingPods,
  PeerThresholds,
  SignalName,
  SignalSettings,
} from './types.ts'

export interface EvaluateAdviceOptions {
  /** ISO-8601 UTC with ms: created_at window of the startups considered. */
  from: string
  to: string
  cluster?: string
  namespace?: string
  config?: AdviceConfig
}

/** The phase targets and signal settings that the rules' thresholds for one cluster decide. */
function resolve(config: AdviceConfig | undefined, cluster: string) {
  const targets: Partial<Record<AdvicePhase, number>> = {}
  const settings: Partial<SignalSettings> = {}
  for (const rule of RULES) {
    const t = thresholdsOf(config, cluster, rule)
    Object.assign(targets, rule.phaseTargets?.(t) ?? {})
    Object.assign(settings, rule.signalSettings?.(t) ?? {})
  }
  const { bucketMinutes, rolloutMinutes } = settings
  if (bucketMinutes === undefined || rolloutMinutes === undefined)
    throw new Error('advice: no rule sets the pull-burst bucket or the rollout window')
  return { targets, settings: { ...settings, bucketMinutes, rolloutMinutes } }
}

/** Every signal some rule declares: the engine fetches those and no others. */
const DECLARED: ReadonlySet<SignalName> = new Set(RULES.flatMap((r) => r.signals))

async function fetchIf<R>(name: SignalName, fetch: () => Promise<R[]>): Promise<R[]> {
  return DECLARED.has(name) ? fetch() : []
}

export async function fetchAdviceSignals(
  q: Querier,
  opts: EvaluateAdviceOptions & { cluster: string },
  targets: Partial<Record<AdvicePhase, number>>,
  settings: Pick<SignalSettings, 'bucketMinutes' | 'rolloutMinutes'> & Partial<SignalSettings>,
): Promise<AdviceSignals> {
  const base = { from: opts.from, to: opts.to, cluster: opts.cluster, namespace: opts.namespace || undefined }
  // Workload, node and cluster phase figures of the same startups: one scan.
  const phases =
    DECLARED.has('workloadPhases') || DECLARED.has('nodePhases') || DECLARED.has('clusterPhases')
      ? await phaseStatsByGroups(q)({ ...base, targetsMs: targets })
      : { workload: [], node: [], cluster: [] }
  // The pull signals in one query over one join of the window's pulls (each signal's own query would pay
  // that join again); nodeImagePulls and pullBursts narrowed in SQL to what the rules read (millions of rows
  // otherwise on a large cluster).
  const pulls = await sharedPullSignals(q)({
    ...base,
    minTrustedShare: settings.minTrustedShare,
    bucketMinutes: settings.bucketMinutes,
    burstNodes: settings.burstNodes,
    signals: PULL_SIGNALS.filter((name) => DECLARED.has(name)),
  })
  // Then one query at a time: the embedded engine runs them serially anyway, and errors stay attributable.
  return {
    window: { fromMs: Date.parse(opts.from), toMs: Date.parse(opts.to) },
    cluster: opts.cluster,
    imagePullSummary: pulls.imagePullSummary,
    nodeImagePulls: pulls.nodeImagePulls,
    pullBursts: pulls.pullBursts,
    imageProfiles: await fetchIf('imageProfiles', () => imageProfilesLatest(q)({ cluster: opts.cluster })),
    workloadPhases: phases.workload,
    nodePhases: phases.node,
    clusterPhases: phases.cluster,
    imageOnlyRollouts: await fetchIf('imageOnlyRollouts', () =>
      imageOnlyRollouts(q)({ ...base, rolloutMinutes: settings.rolloutMinutes }),
    ),
    alwaysPullOnDigest: pulls.alwaysPullOnDigest,
    workloadAcute: await fetchIf('workloadAcute', () =>
      acutePhases(q)({
        to: opts.to,
        cluster: opts.cluster,
        namespace: base.namespace,
        windowMinutes: settings.acuteWindowMinutes ?? 60,
        baselineDays: settings.acuteBaselineDays ?? 7,
      }),
    ),
    workloadSpecs: await fetchIf('workloadSpecs', () => workloadSpecs(q)(base)),
  }
}

/** Runs every rule over already fetched signals (pure). */
export function evaluateSignals(signals: AdviceSignals, config?: AdviceConfig): Finding[] {
  const out: Finding[] = []
  const peers: PeerThresholds = (rule) => thresholdsOf(config, signals.cluster, rule)
  for (const rule of RULES)
    for (const f of rule.evaluate(signals, peers(rule), peers))
      out.push({
        ...f,
        phases: f.phases ?? [...(RULE_PHASES[f.ruleId] ?? [])],
        saving: {
          ...f.saving,
          basis: f.saving.basis ?? savingBasis(f.saving.podSecondsPerWeek, signals.window),
        },
      })
  return out
}

/** Findings whose pods (count, time lost in the fix's phases, slowest) are looked up; the rest keep none. */
const MAX_FINDINGS_WITH_PODS = 100

/** Adds to each finding the pods it covers: how many, their time in its phases, the slowest three. */
export async function attachFindingPods(
  q: Querier,
  window: { from: string; to: string },
  findings: Finding[],
): Promise<Finding[]> {
  const asked = findings.slice(0, MAX_FINDINGS_WITH_PODS).filter((f) => (f.phases?.length ?? 0) > 0)
  // An incident's pods are those of its acute window (the last hour), the others' those of the whole window.
  const byWindow = new Map<string, { from: string; to: string; findings: Finding[] }>()
  for (const f of asked) {
    const w = f.acute ?? window
    const key = `${w.from}|${w.to}`
    const group = byWindow.get(key) ?? { from: w.from, to: w.to, findings: [] }
    group.findings.push(f)
    byWindow.set(key, group)
  }
  const byFinding = new Map<Finding, FindingPods | undefined>()
  for (const group of byWindow.values()) {
    const rows = await findingPods(q)({
      from: group.from,
      to: group.to,
      findings: group.findings.map((f) => ({
        cluster: f.scope.cluster,
        namespace: f.scope.namespace,
        workload: f.scope.workload?.name,
        node: f.scope.node,
        image: f.scope.image,
        phases: f.phases ?? [],
      })),
    })
    group.findings.forEach((f, i) => {
      byFinding.set(f, rows[i])
    })
  }
  return findings.map((f) => {
    const pods = byFinding.get(f)
    return pods ? { ...f, pods } : f
  })
}

/**
 * Ranked findings for the window: per cluster (each with its own thresholds), highest expected saving (weekly
 * pod-seconds x confidence weight) first, each with the basis of its saving and the pods it covers.
 */
export async function evaluateAdvice(q: Querier, opts: EvaluateAdviceOptions): Promise<Finding[]> {
  const clusters = opts.cluster
    ? [opts.cluster]
    : await adviceClusters(q)({ from: opts.from, to: opts.to, namespace: opts.namespace || undefined })
  const findings: Finding[] = []
  for (const cluster of clusters) {
    const { targets, settings } = resolve(opts.config, cluster)
    const signals = await fetchAdviceSignals(q, { ...opts, cluster }, targets, settings)
    findings.push(...evaluateSignals(signals, opts.config))
  }
  return attachFindingPods(q, opts, rankFindings(findings))
}

/** The rule's deterministic Markdown/text for a finding. */
export function renderAdvice(finding: Finding): { markdown: string; text: string } {
  const rule = RULES.find((r) => r.id === finding.ruleId)
  if (!rule) throw new Error(`no rule ${finding.ruleId} to render the finding`)
  return rule.render(finding)
}
