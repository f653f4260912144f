// The advice contract: what a rule reads (signals), what it returns (findings) and how it is configured.
import type { z } from 'zod'
import type { AcuteWorkloadRow } from '../queries/advice-acute.ts'
import type { AlwaysPullOnDigestRow, ImageProfileSummaryRow } from '../queries/advice-inventory.ts'
import type { ImagePullSummaryRow, NodeImagePullRow, PullBurstRow } from '../queries/advice-pulls.ts'
import type { WorkloadContainerSpec } from '../queries/advice-specs.ts'
import type { AdvicePhase, ImageOnlyRolloutRow, PhaseStatsRow } from '../queries/advice-startups.ts'
import type { PercentileMethod } from '../queries/percentiles.ts'

/** Every signal the engine can fetch, keyed by the name rules list in `signals`. Plain rows, one cluster. */
export interface AdviceSignals {
  /** The window the rows cover; savings are scaled from it to a week. */
  window: { fromMs: number; toMs: number }
  cluster: string
  imagePullSummary: ImagePullSummaryRow[]
  nodeImagePulls: NodeImagePullRow[]
  pullBursts: PullBurstRow[]
  imageProfiles: ImageProfileSummaryRow[]
  workloadPhases: PhaseStatsRow[]
  nodePhases: PhaseStatsRow[]
  clusterPhases: PhaseStatsRow[]
  imageOnlyRollouts: ImageOnlyRolloutRow[]
  alwaysPullOnDigest: AlwaysPullOnDigestRow[]
  /** Per workload: the window's last hour against its own previous days, per phase (acute incidents). */
  workloadAcute: AcuteWorkloadRow[]
  /** Each workload container's own spec as recorded (probes, ports, image, nodeSelector), for artifacts. */
  workloadSpecs: WorkloadContainerSpec[]
}
export type SignalName = Exclude<keyof AdviceSignals, 'window' | 'cluster'>

export type ScopeLevel = 'cluster' | 'namespace' | 'workload' | 'image' | 'node'

/**
 * Where a finding applies. Fields present are exact; a checker matching an expected problem
 * `{ kind, scope: { cluster, namespace?, workload?, image?, node? } }` compares the fields it names.
 */
export interface FindingScope {
  level: ScopeLevel
  cluster: string
  namespace?: string
  workload?: { kind: string; name: string }
  image?: string
  node?: string
}

export interface Evidence {
  label: string
  value: number | string
  /** 's', 'ms', 'bytes', 'B/s', 'pulls', 'startups', '%', 'nodes', '' ... */
  unit: string
  /** The signal query the value came from. */
  query: SignalName
  /** Set when the value is a percentile (or, for a pair, two): its levels and the method that computed it. */
  percentile?: EvidencePercentile
}

/**
 * How a percentile figure was computed: the one method podstart states (queries/percentiles.ts). The advice's
 * percentiles are all the nearest rank of the exact values (`nearest-rank`); a figure read from a rollup's
 * quantile state would say `clickhouse-quantiles`, whose error bound PERCENTILE_METHOD_TEXT gives.
 */
export interface EvidencePercentile {
  levels: number[]
  method: PercentileMethod
}

/**
 * What a saving rests on: the window observed and the pods in it. A weekly figure is `observed` only when the
 * window covers at least 7 days; a shorter window's weekly figure is a `projection` at the stated rate.
 */
export interface SavingBasis {
  windowHours: number
  /** Pod-seconds the fix would have saved inside the observed window (no scaling). */
  podSecondsInWindow: number
  /**
   * `acute`: an incident's figure is the excess of the acute window (the window's last hour) over the scope's own
   * baseline, not a weekly figure; `windowHours` and `podSecondsInWindow` are that hour's.
   */
  weekly: 'observed' | 'projection' | 'acute'
  /** projection: the rate assumed for the rest of the week, pod-seconds per hour. */
  podSecondsPerHour: number
}

export interface Saving {
  /**
   * Seconds a typical affected startup would save (p90 of the removed time, see assumptions); for an incident, the
   * mean increase per startup over the baseline.
   */
  p90SecondsPerStartup: number
  /** Pod-seconds saved per week: observed (window >= 7 d, scaled down to 7 d) or projected (see basis). */
  podSecondsPerWeek: number
  assumptions: string[]
  /** Set by the engine from the window: how the weekly figure was obtained. */
  basis?: SavingBasis
}

/** The pods a finding covers, for links to their waterfalls (set by the engine). */
export interface FindingPods {
  /** Startups in the finding's scope and window that spent time in the phases its fix removes. */
  count: number
  /** Their time in those phases, summed (ms): the ceiling of any saving the finding claims. */
  lostMs: number
  /** The slowest of them in those phases, slowest first. */
  slowest: Array<{ cluster: string; namespace: string; pod: string; uid: string; ms: number }>
}

/** Why pods waited to be scheduled, read from FailedScheduling messages and autoscaler events. */
export type SchedulingCause = 'autoscaler' | 'capacity' | 'affinity' | 'scheduler'

export type Confidence = 'high' | 'medium' | 'low'

export interface Artifact {
  kind: 'yaml' | 'shell' | 'text'
  filename: string
  content: string
}

export interface Finding {
  ruleId: string
  scope: FindingScope
  title: string
  evidence: Evidence[]
  saving: Saving
  confidence: Confidence
  artifact?: Artifact
  /** The additive phases whose time the fix removes (the saving comes from these only). */
  phases?: AdvicePhase[]
  /** scheduling findings: the cause the evidence names, which decides the fix. */
  cause?: SchedulingCause
  /** Ranking: expected saving = pod-seconds per week x the confidence weight (set by rankFindings). */
  rank?: { weight: number; expectedPodSecondsPerWeek: number }
  /** The pods it covers and the slowest of them (set by evaluateAdvice). */
  pods?: FindingPods
  /**
   * incident findings: the acute window (the evaluation window's last hour) its figures come from. Such a
   * finding ranks before every other while it is active.
   */
  acute?: { from: string; to: string; baselineDays: number }
}

export interface RenderedFinding {
  markdown: string
  text: string
}

/** Another rule's thresholds for the same cluster, typed by that rule's own schema. */
export type PeerThresholds = <T extends z.ZodType<object>>(rule: Rule<T>) => z.output<T>

/** What rules' thresholds set in the signal queries: burst buckets, rollout windows, trusted-split shares. */
export interface SignalSettings {
  /** Minutes per pull-burst bucket (pullBursts). */
  bucketMinutes: number
  /** Nodes pulling one image in one bucket that make a burst (pullBursts). */
  burstNodes: number
  /** Minutes after a new ReplicaSet within which its pods are the rollout's (imageOnlyRollouts). */
  rolloutMinutes: number
  /** Share of profile/measured splits a node needs to be compared with its peers (nodeImagePulls). */
  minTrustedShare: number
  /** Minutes at the end of the window evaluated against the baseline (workloadAcute). */
  acuteWindowMinutes: number
  /** Days before the acute window that form each workload's baseline (workloadAcute). */
  acuteBaselineDays: number
}

/** What a rule's evaluate sees: the window, the cluster and the signals it declares, nothing else. */
export type SignalsOf<S extends SignalName> = Pick<AdviceSignals, 'window' | 'cluster' | S>

/** A rule module: pure over plain signal rows; thresholds have defaults and are validated by `thresholds`. */
export interface Rule<T extends z.ZodType<object> = z.ZodType<object>, S extends SignalName = SignalName> {
  id: string
  title: string
  /** The signals the engine fetches for this rule; evaluate is typed to read only these. */
  signals: readonly S[]
  /** zod object schema with a default for every key; per-cluster YAML overrides are parsed with it. */
  thresholds: T
  /** Per phase, the target (ms) above which phase statistics count excess time for this rule. */
  phaseTargets?(thresholds: z.output<T>): Partial<Record<AdvicePhase, number>>
  /** The settings of the signal queries this rule's thresholds decide. */
  signalSettings?(thresholds: z.output<T>): Partial<SignalSettings>
  /** `peers` gives another rule's thresholds for this cluster, for rules that leave findings to a peer. */
  evaluate(signals: SignalsOf<S>, thresholds: z.output<T>, peers?: PeerThresholds): Finding[]
  render(finding: Finding): RenderedFinding
}

/** A rule with its thresholds' and signals' types inferred from the module itself. */
export function defineRule<T extends z.ZodType<object>, const S extends SignalName>(
  rule: Rule<T, S>,
): Rule<T, S> {
  return rule
}
