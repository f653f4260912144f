// Plain signal rows for the rule tests: a one-day window (week factor 7) and builders with defaults.
import type { ImagePullSummaryRow, NodeImagePullRow } from '../../queries/advice-pulls.ts'
import type { AdvicePhase, PhaseStat, PhaseStatsRow } from '../../queries/advice-startups.ts'
import type { AdviceSignals } from '../types.ts'

const DAY = { fromMs: Date.UTC(2025, 0, 1), toMs: Date.UTC(2025, 0, 2) }

export function signals(over: Partial<AdviceSignals> = {}): AdviceSignals {
  return {
    window: DAY,
    cluster: 'prod',
    imagePullSummary: [],
    nodeImagePulls: [],
    pullBursts: [],
    imageProfiles: [],
    workloadPhases: [],
    nodePhases: [],
    clusterPhases: [],
    imageOnlyRollouts: [],
    alwaysPullOnDigest: [],
    workloadAcute: [],
    workloadSpecs: [],
    ...over,
  }
}

export function pullSummary(over: Partial<ImagePullSummaryRow> = {}): ImagePullSummaryRow {
  const base: Omit<
    ImagePullSummaryRow,
    | 'firstTryColdPulls'
    | 'firstTryColdMs'
    | 'firstTryColdP90Ms'
    | 'retriedPulls'
    | 'reportedFailedPulls'
    | 'retryWaitMs'
    | 'retryWaitP90Ms'
    | 'failureReasons'
  > &
    Partial<ImagePullSummaryRow> = {
    cluster: 'prod',
    image: 'reg.example/shop/app:1',
    digest: null,
    pulls: 10,
    cachedPulls: 0,
    coldPulls: 10,
    failedPulls: 0,
    coldPullMs: 50_000,
    coldWaitMs: 0,
    coldP90Ms: 6000,
    coldPullP90Ms: 6000,
    sizeBytes: 100e6,
    sizeKind: 'compressed',
    downloadMs: 0,
    decompressMs: 0,
    splitPullMs: 0,
    trustedSplits: 0,
    modelSplits: 0,
    readyColdPullWaitMs: 50_000,
    readyColdTotalMs: 100_000,
    coldNodes: 2,
    nodes: ['node-a', 'node-b'],
    pools: ['general'],
    namespaces: ['shop'],
    workloads: [{ namespace: 'shop', kind: 'Deployment', name: 'app' }],
    ...over,
  }
  // Unless a test says otherwise, every cold pull succeeded at its first attempt.
  return {
    firstTryColdPulls: base.coldPulls,
    firstTryColdMs: base.coldPullMs + base.coldWaitMs,
    firstTryColdP90Ms: base.coldP90Ms,
    retriedPulls: 0,
    reportedFailedPulls: base.failedPulls,
    retryWaitMs: 0,
    retryWaitP90Ms: null,
    failureReasons: [],
    ...base,
  }
}

export function nodePull(over: Partial<NodeImagePullRow> = {}): NodeImagePullRow {
  return {
    cluster: 'prod',
    node: 'node-a',
    pool: 'general',
    runtime: 'containerd',
    image: 'reg.example/shop/app:1',
    digest: null,
    coldPulls: 5,
    pullMs: 50_000,
    splitPulls: 5,
    splitPullMs: 50_000,
    downloadMs: 10_000,
    decompressMs: 40_000,
    trustedSplits: 5,
    modelSplits: 0,
    sizeBytes: 100e6,
    sizeKind: 'compressed',
    ...over,
  }
}

const EMPTY: PhaseStat = { count: 0, sumMs: 0, p50Ms: null, p90Ms: null, sumInReadyMs: 0, excessMs: null }

export function phaseRow(
  phases: Partial<Record<AdvicePhase, Partial<PhaseStat>>>,
  over: Partial<PhaseStatsRow> = {},
): PhaseStatsRow {
  const all = {} as Record<AdvicePhase, PhaseStat>
  for (const p of ['scheduling', 'sandbox', 'init', 'pullWait', 'pull', 'start', 'ready'] as AdvicePhase[])
    all[p] = { ...EMPTY, ...phases[p] }
  return {
    cluster: 'prod',
    namespace: 'shop',
    workload: { kind: 'Deployment', name: 'web' },
    startups: 20,
    ready: 20,
    cold: 0,
    totalSumMs: 200_000,
    totalP90Ms: 15_000,
    unschedulable: 0,
    failedScheduling: 0,
    triggeredScaleUp: 0,
    waitedNewNode: 0,
    waitedCapacity: 0,
    waitedAffinity: 0,
    phases: all,
    ...over,
  }
}
