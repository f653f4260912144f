// The simulated cluster's state: nodes, workloads and pods with their true transition times (ms since epoch).
import type { ServedKubeObject } from '../lifecycle/kube-object.ts'
import type { Distribution } from './random.ts'
import type { ImageSpec, NodePoolSpec } from './scenario.ts'

export type ResourceName =
  | 'pods'
  | 'events'
  | 'nodes'
  | 'namespaces'
  | 'replicasets'
  | 'deployments'
  | 'jobs'
  | 'cronjobs'
  | 'leases'

export type { ServedKubeObject }

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED'

/** One write the API server accepts: a created, changed or deleted object at wall time `at`. */
export interface ObjectWrite {
  resource: ResourceName
  type: WatchType
  object: ServedKubeObject
  at: number
}

export interface SimNode {
  name: string
  uid: string
  pool: NodePoolSpec
  minor: number
  ip: string
  createdAt: number
  pods: number
  /** Image refs present on the node, and when each became present. */
  cache: Map<string, number>
  /** kubelet's serial image puller: busy until this time, then the queue in order. */
  pullerBusy: boolean
  pullQueue: Array<() => void>
  podCidrIndex: number
  podIpNext: number
}

export interface SimImage extends ImageSpec {
  compressedBytes: number
  uncompressedBytes: number
  digest: string
}

export interface WorkloadRevision {
  /** The owner written on pods: ReplicaSet for Deployments, Job for Jobs. */
  ownerKind: 'ReplicaSet' | 'Job'
  ownerName: string
  ownerUid: string
  /** The workload the startup record names: Deployment, Job or CronJob. */
  workloadKind: 'Deployment' | 'Job' | 'CronJob'
  workloadName: string
  namespace: string
  templateHash: string | null
  containers: Array<{ name: string; image: string; pullPolicy: 'IfNotPresent' | 'Always' }>
  initContainers: Array<{
    name: string
    image: string
    pullPolicy: 'IfNotPresent' | 'Always'
    sidecar: boolean
    runMs: Distribution
  }>
  readiness?: { initialDelayS: number; periodS: number; warmupMs: Distribution }
  runMs?: Distribution
  nodePool?: string
  labels: Record<string, string>
}

type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: number }
  | { kind: 'terminated'; startedAt: number; finishedAt: number; exitCode: number; reason: string }

export interface SimContainerStatus {
  name: string
  image: string
  init: boolean
  sidecar: boolean
  state: ContainerState
  ready: boolean
  started: boolean
  containerId?: string
  imageId?: string
}

interface PodCondition {
  type: string
  status: 'True' | 'False'
  at: number
  reason?: string
  message?: string
}

export interface TruePull {
  container: string
  init: boolean
  image: string
  digest: string
  firstRequestAt: number
  startedAt: number | null
  endedAt: number | null
  pullMs: number | null
  waitMs: number | null
  downloadMs: number | null
  decompressMs: number | null
  sizeBytes: number
  sizeKind: 'compressed' | 'uncompressed'
  cached: boolean
  attempts: number
  outcome: 'ok' | 'failed' | 'backoff'
  failureReason: string | null
}

interface TrueContainer {
  name: string
  init: boolean
  sidecar: boolean
  image: string
  createdAt: number | null
  startedAt: number | null
  finishedAt: number | null
}

/** When the API server sent the first pod update showing each state, and the first-True condition stamps. */
export interface ServedPodTruth {
  created: number | null
  scheduled: number | null
  running: number | null
  allStarted: number | null
  ready: number | null
  /** lastTransitionTime (ms) of each condition's first True as served. */
  conditions: Record<string, number>
  unschedulable: boolean
  stateful: boolean
}

export interface SimPod {
  uid: string
  name: string
  namespace: string
  revision: WorkloadRevision
  createdAt: number
  node: SimNode | null
  podIp: string | null
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed'
  conditions: PodCondition[]
  statuses: SimContainerStatus[]
  /** Planned pull failures per container name (attempts that fail before success, or Infinity). */
  pullFailures: Map<string, number>
  truth: {
    scheduled: number | null
    kubeletSaw: number | null
    sandboxReady: number | null
    initialized: number | null
    containersStarted: number | null
    ready: number | null
    finished: number | null
    pulls: TruePull[]
    containers: TrueContainer[]
    /** What the watch served of the pod, and when (truth.ts noteServedPod): the truth of the SLO cut. */
    served?: ServedPodTruth
  }
  outcome: 'ready' | 'completed' | 'failed' | 'pending' | 'deleted' | null
  outcomeReason: string | null
  finalAt: number | null
  lastStatusWrite: number
  deleted: boolean
  slotReleased: boolean
}
