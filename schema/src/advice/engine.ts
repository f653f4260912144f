// evaluateAdvice: fetches the signals every rule reads, per cluster, runs the rules with that cluster's
// thresholds and returns the findings ranked by saving. The only I/O of the advice engine.
import { alwaysPullOnDigest, imageProfilesLatest } from '../queries/advice-inventory.ts'
import { imagePullSummary, nodeImagePulls, pullBursts } from '../queries/advice-pulls.ts'
import {
  type AdvicePhase,
  adviceClusters,
  imageOnlyRollouts,
  phaseStatsByGroups,
} from '../queries/advice-startups.ts'
import type { Querier } from '../store/querier.ts'
import { type AdviceConfig, thresholdsFor } from './config.ts'
import { rankFindings } from './finding.ts'
import { RULES } from './rules/index.ts'
import type { AdviceSignals, Finding } from './types.ts'

export interface EvaluateAdviceOptions {
  /** ISO-8601 UTC with ms: created_at window of the startups considered. */
  from: string
  to: string
  cluster?: string
  namespace?: string
  config?: AdviceConfig
}

/** Thresholds of every rule for one cluster, and the phase targets the phase statistics need. */
function resolve(config: AdviceConfig | undefined, cluster: string) {
  const thresholds = new Map<string, object>()
  const targets: Partial<Record<AdvicePhase, number>> = {}
  for (const rule of RULES) {
    const t = thresholdsFor(config, cluster, rule.id)
    thresholds.set(rule.id, t)
    Object.assign(targets, rule.phaseTargets?.(t) ?? {})
  }
  return { thresholds, targets }
}

export async function fetchAdviceSignals(
  q: Querier,
  opts: EvaluateAdviceOptions & { cluster: string },
  targets: Partial<Record<AdvicePhase, number>>,
  windows: { bucketMinutes: number; rolloutMinutes: number; burstNodes?: number; minTrustedShare?: number },
): Promise<AdviceSignals> {
  const base = {
    from: opts.from,
    to: opts.to,
    cluster: opts.cluster,
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
  }
  // Workload, node and cluster phase figures of the same startups: one scan.
  const phases = await phaseStatsByGroups(q)({ ...base, targetsMs: targets })
  // One query at a time: the embedded engine runs them serially anyway, and errors stay attributable.
  return {
    window: { fromMs: Date.parse(opts.from), toMs: Date.parse(opts.to) },
    cluster: opts.cluster,
    imagePullSummary: await imagePullSummary(q)(base),
    // Narrowed in SQL to what the rules read (millions of rows otherwise on a large cluster).
    nodeImagePulls: await nodeImagePulls(q)({
      ...base,
      ...(windows.minTrustedShare === undefined ? {} : { minTrustedShare: windows.minTrustedShare }),
    }),
    pullBursts: await pullBursts(q)({
      ...base,
      bucketMinutes: windows.bucketMinutes,
      ...(windows.burstNodes === undefined ? {} : { burstNodes: windows.burstNodes }),
    }),
    imageProfiles: await imageProfilesLatest(q)({ cluster: opts.cluster }),
    workloadPhases: phases.workload,
    nodePhases: phases.node,
    clusterPhases: phases.cluster,
    imageOnlyRollouts: await imageOnlyRollouts(q)({ ...base, rolloutMinutes: windows.rolloutMinutes }),
    alwaysPullOnDigest: await alwaysPullOnDigest(q)(base),
  }
}

/** Runs every rule over already fetched signals (pure). */
export function evaluateSignals(signals: AdviceSignals, config?: AdviceConfig): Finding[] {
  const out: Finding[] = []
  const peers = (id: string) => thresholdsFor(config, signals.cluster, id)
  for (const rule of RULES) out.push(...rule.evaluate(signals, peers(rule.id), peers))
  return out
}

/** Ranked findings for the window: per cluster (each with its own thresholds), highest weekly saving first. */
export async function evaluateAdvice(q: Querier, opts: EvaluateAdviceOptions): Promise<Finding[]> {
  const clusters = opts.cluster
    ? [opts.cluster]
    : await adviceClusters(q)({
        from: opts.from,
        to: opts.to,
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
      })
  const findings: Finding[] = []
  for (const cluster of clusters) {
    const { thresholds, targets } = resolve(opts.config, cluster)
    const windows = {
      bucketMinutes: (thresholds.get('p2p') as { bucketMinutes: number }).bucketMinutes,
      rolloutMinutes: (thresholds.get('in-place-update') as { rolloutMinutes: number }).rolloutMinutes,
      burstNodes: (thresholds.get('p2p') as { burstNodes: number }).burstNodes,
      minTrustedShare: (thresholds.get('decompression') as { minTrustedShare: number }).minTrustedShare,
    }
    const signals = await fetchAdviceSignals(q, { ...opts, cluster }, targets, windows)
    findings.push(...evaluateSignals(signals, opts.config))
  }
  return rankFindings(findings)
}

/** The rule's deterministic Markdown/text for a finding. */
export function renderAdvice(finding: Finding): { markdown: string; text: string } {
  const rule = RULES.find((r) => r.id === finding.ruleId)
  if (!rule) throw new Error(`no rule ${finding.ruleId} to render the finding`)
  return rule.render(finding)
}
