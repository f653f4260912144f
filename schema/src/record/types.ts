// TypeScript mirror of startup-record.schema.json (the contract). Keep both in step; the
// contract test validates records built from these types against the JSON Schema.

export const STARTUP_RECORD_SCHEMA_VERSION = 1 as const

export type Outcome = 'ready' | 'completed' | 'failed' | 'pending' | 'deleted'
export type PullOutcome = 'ok' | 'failed' | 'backoff'
export type SizeKind = 'compressed' | 'uncompressed'
export type SplitMethod = 'profile' | 'size-model' | 'measured' | 'truth'

/** Where a boundary's time came from, best first per boundary (DESIGN.md "Precision"). */
export type BoundarySource =
  | 'truth'
  | 'message'
  | 'event-name'
  | 'event-time'
  | 'watch'
  | 'condition'
  | 'event-timestamp'
  | 'status'
  | 'inferred'

/** Worst-case error of each source, in ms, used when a boundary does not state its own. */
export const SOURCE_PRECISION_MS: Record<BoundarySource, number> = {
  truth: 0,
  message: 1,
  'event-name': 1,
  'event-time': 1,
  watch: 1,
  condition: 1000,
  'event-timestamp': 1000,
  status: 1000,
  inferred: 1000,
}

export const PHASE_NAMES = [
  'scheduling',
  'sandbox',
  'init',
  'pullWait',
  'pull',
  'download',
  'decompress',
  'start',
  'ready',
] as const
export type PhaseName = (typeof PHASE_NAMES)[number]

/** The phases that add up to totalMs (download + decompress are a split of pull). */
export const ADDITIVE_PHASES = [
  'scheduling',
  'sandbox',
  'init',
  'pullWait',
  'pull',
  'start',
  'ready',
] as const
export type AdditivePhase = (typeof ADDITIVE_PHASES)[number]

export const BOUNDARY_NAMES = [
  'created',
  'scheduled',
  'sandboxReady',
  'initialized',
  'containersStarted',
  'ready',
  'finished',
] as const
export type BoundaryName = (typeof BOUNDARY_NAMES)[number]

export interface Boundary {
  /** ISO-8601 UTC with milliseconds. */
  at: string
  source: BoundarySource
  precisionMs?: number
}

export interface ImagePullRecord {
  container: string
  init: boolean
  image: string
  imageDigest?: string | null
  startedAt: string | null
  pullMs: number | null
  waitMs: number | null
  sizeBytes: number | null
  sizeKind: SizeKind | null
  cached: boolean
  attempts: number
  outcome: PullOutcome
  failureReason?: string | null
  downloadMs: number | null
  decompressMs: number | null
  splitMethod: SplitMethod | null
}

export interface ContainerTimeline {
  name: string
  init: boolean
  sidecar?: boolean
  image?: string | null
  createdAt?: string | null
  startedAt?: string | null
  finishedAt?: string | null
  restarts?: number
}

export type Phases = Record<PhaseName, number | null>

/** The pod conditions whose first True transition a record keeps (lastTransitionTime, as the API server stores it). */
export const POD_CONDITION_TYPES = [
  'PodScheduled',
  'PodReadyToStartContainers',
  'Initialized',
  'ContainersReady',
  'Ready',
] as const
export type PodConditionType = (typeof POD_CONDITION_TYPES)[number]
export type PodConditionTimes = Partial<Record<PodConditionType, string | null>>

/**
 * When the collector received, on its watch, the first update showing each state: the "observed via watch"
 * of the official pod startup SLI and clusterloader2's receipt-time stamps. Null when never observed live
 * (imports, status-only rebuilds).
 */
export interface WatchObserved {
  /** First update with spec.nodeName set (clusterloader2's receipt-time schedule stamp); absent in records before it was recorded. */
  scheduled?: string | null
  /** First update with status.phase Running. */
  running: string | null
  /** First update with every regular container started (running or terminated). */
  allStarted: string | null
  /** First update with condition Ready True. */
  ready: string | null
}

/** Why a pod is outside the official pod startup SLI's population (docs/slo.md). */
export type SliExclusion = 'stateful' | 'unschedulable' | 'not-started' | 'unobserved' | 'unknown-pulls'

/** The official SLI's cut of one pod: ms when the pod is in its population, else why it is not. */
export interface SliCut {
  ms: number | null
  excluded: SliExclusion | null
}

export interface StartupRecord {
  schemaVersion: typeof STARTUP_RECORD_SCHEMA_VERSION
  cluster: string
  uid: string
  namespace: string
  pod: string
  node: string | null
  workload: { kind: string; name: string } | null
  createdAt: string
  readyAt: string | null
  outcome: Outcome
  outcomeReason: string | null
  totalMs: number | null
  phases: Phases
  boundaries: Partial<Record<BoundaryName, Boundary | null>>
  pulls: ImagePullRecord[]
  containers?: ContainerTimeline[]
  cold?: boolean | null
  sloMs?: number | null
  conditions?: PodConditionTimes
  observed?: WatchObserved
  sli?: SliCut
  fromStatusOnly?: boolean
  runtime?: string | null
  clockSkewClampedMs?: number
  clockSkewClamps?: number
}

/** Milliseconds since epoch -> the contract's time format. */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString()
}
