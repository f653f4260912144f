// Workload controllers' objects: Deployments with one ReplicaSet per template revision, Jobs, CronJobs.
import type { ServedKubeObject, WorkloadRevision } from './model-types.ts'
import { podTemplateSpec, secIso } from './objects.ts'
import { type SeededRandom, scaleDistribution } from './random.ts'
import type { WorkloadSpec } from './scenario.ts'

export interface WorkloadState {
  namespace: string
  spec: WorkloadSpec
  uid: string
  createdAt: number
  revisions: WorkloadRevision[]
  /** The revision new pods get. */
  current: WorkloadRevision
  podsCreated: number
}

/** Replaces the tag of an image reference, keeping registry and repository. */
export function retag(ref: string, tag: string): string {
  const slash = ref.lastIndexOf('/')
  const colon = ref.lastIndexOf(':')
  const base = colon > slash ? ref.slice(0, colon) : ref
  return `${base}:${tag}`
}

export function newWorkload(
  namespace: string,
  spec: WorkloadSpec,
  rng: SeededRandom,
  createdAt: number,
): WorkloadState {
  const state: WorkloadState = {
    namespace,
    spec,
    uid: rng.uuid(),
    createdAt,
    revisions: [],
    current: undefined as unknown as WorkloadRevision,
    podsCreated: 0,
  }
  state.current = addRevision(state, rng, (c) => c.image)
  return state
}

/**
 * A new template revision (a new ReplicaSet for Deployments) derived from the current one (or the spec for the
 * first); `image` maps each container to its new image.
 */
export function addRevision(
  w: WorkloadState,
  rng: SeededRandom,
  image: (c: { name: string; image: string; init: boolean }) => string,
  overrides: { warmupFactor?: number } = {},
): WorkloadRevision {
  const s = w.spec
  const base = w.current as WorkloadRevision | undefined
  const containers = base?.containers ?? s.containers
  const inits = base?.initContainers ?? s.initContainers
  const readiness = base ? base.readiness : s.readiness
  const hash = s.kind === 'Deployment' ? rng.suffix(10) : null
  const labels: Record<string, string> = { app: s.name }
  if (hash) labels['pod-template-hash'] = hash
  const rev: WorkloadRevision = {
    ownerKind: s.kind === 'Deployment' ? 'ReplicaSet' : 'Job',
    ownerName: hash ? `${s.name}-${hash}` : s.name,
    ownerUid: rng.uuid(),
    workloadKind: s.kind,
    workloadName: s.name,
    namespace: w.namespace,
    templateHash: hash,
    containers: containers.map((c) => ({
      name: c.name,
      image: image({ ...c, init: false }),
      pullPolicy: c.pullPolicy,
    })),
    initContainers: inits.map((c) => ({
      name: c.name,
      image: image({ ...c, init: true }),
      pullPolicy: c.pullPolicy,
      sidecar: c.sidecar,
      runMs: c.runMs,
    })),
    readiness:
      readiness && overrides.warmupFactor
        ? { ...readiness, warmupMs: scaleDistribution(readiness.warmupMs, overrides.warmupFactor) }
        : readiness,
    runMs: s.runMs,
    nodePool: s.nodePool,
    labels,
  }
  w.revisions.push(rev)
  w.current = rev
  return rev
}

function templateOf(rev: WorkloadRevision): Record<string, unknown> {
  return { metadata: { labels: { ...rev.labels } }, spec: podTemplateSpec(rev) }
}

export function deploymentObject(w: WorkloadState, at: number): ServedKubeObject {
  const rev = w.current
  const n = w.revisions.length
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: w.spec.name,
      namespace: w.namespace,
      uid: w.uid,
      generation: n,
      creationTimestamp: secIso(w.createdAt),
      labels: { app: w.spec.name },
      annotations: { 'deployment.kubernetes.io/revision': String(n) },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: w.spec.name } },
      template: { metadata: { labels: { app: w.spec.name } }, spec: podTemplateSpec(rev) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: n,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rev.ownerName}" has successfully progressed.`,
          lastUpdateTime: secIso(at),
          lastTransitionTime: secIso(at),
        },
      ],
    },
  }
}

export function replicaSetObject(w: WorkloadState, rev: WorkloadRevision, at: number): ServedKubeObject {
  const n = w.revisions.indexOf(rev) + 1
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rev.ownerName,
      namespace: w.namespace,
      uid: rev.ownerUid,
      creationTimestamp: secIso(at),
      labels: { ...rev.labels },
      annotations: {
        'deployment.kubernetes.io/revision': String(n),
        'deployment.kubernetes.io/desired-replicas': '3',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: w.spec.name,
          uid: w.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { replicas: 3, selector: { matchLabels: { ...rev.labels } }, template: templateOf(rev) },
    status: {
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    },
  }
}

export function cronJobObject(w: WorkloadState): ServedKubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name: w.spec.name,
      namespace: w.namespace,
      uid: w.uid,
      creationTimestamp: secIso(w.createdAt),
    },
    spec: {
      schedule: '*/5 * * * *',
      concurrencyPolicy: 'Allow',
      jobTemplate: { spec: { backoffLimit: 0, template: templateOf(w.current) } },
    },
    status: {},
  }
}

/** A one-pod Job for a Job or CronJob workload; returns the revision its pod is owned by. */
export function jobRevision(w: WorkloadState, rng: SeededRandom, at: number): WorkloadRevision {
  const base = w.current
  const jobName =
    w.spec.kind === 'CronJob' ? `${w.spec.name}-${Math.floor(at / 60000)}` : `${w.spec.name}-${rng.suffix(5)}`
  const uid = rng.uuid()
  return {
    ...base,
    ownerName: jobName,
    ownerUid: uid,
    labels: {
      ...base.labels,
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': jobName,
    },
  }
}

export function jobObject(
  w: WorkloadState,
  rev: WorkloadRevision,
  at: number,
  done: { at: number; ok: boolean } | null,
): ServedKubeObject {
  const metadata: ServedKubeObject['metadata'] = {
    name: rev.ownerName,
    namespace: w.namespace,
    uid: rev.ownerUid,
    creationTimestamp: secIso(at),
    labels: { ...rev.labels },
  }
  if (w.spec.kind === 'CronJob') {
    metadata.ownerReferences = [
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        name: w.spec.name,
        uid: w.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]
  }
  const status: Record<string, unknown> = { startTime: secIso(at), active: done ? 0 : 1 }
  if (done) {
    status.succeeded = done.ok ? 1 : 0
    status.failed = done.ok ? 0 : 1
    status.completionTime = done.ok ? secIso(done.at) : undefined
    if (!done.ok) delete status.completionTime
    status.conditions = [
      {
        type: done.ok ? 'Complete' : 'Failed',
        status: 'True',
        lastProbeTime: secIso(done.at),
        lastTransitionTime: secIso(done.at),
      },
    ]
  }
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 0,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': rev.ownerUid } },
      template: templateOf(rev),
    },
    status,
  }
}
