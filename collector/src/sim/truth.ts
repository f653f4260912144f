// Ground truth: a simulated pod's startup as a StartupRecord at the true millisecond of every transition.
import {
  type Boundary,
  type ImagePullRecord,
  isoMs,
  type Phases,
  STARTUP_RECORD_SCHEMA_VERSION,
  type StartupRecord,
} from '@podstart/schema/record'
import type { ServedKubeObject } from '../lifecycle/kube-object.ts'
import type { ServedPodTruth, SimPod, TruePull } from './model-types.ts'

type Json = Record<string, unknown>
const asObj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/** Volume sources of a stateless pod, as the lifecycle decides it (docs/slo.md). */
const STATELESS_SOURCES = new Set(['name', 'emptyDir', 'configMap', 'secret', 'downwardAPI', 'projected'])

/**
 * Notes a pod update the API server sends at `at`: the first one showing it bound, Running, every regular
 * container started, Ready, and each condition's first True. This is the truth of "observed via watch" (the
 * collector's receipt is this plus delivery).
 */
export function noteServedPod(pod: SimPod, object: ServedKubeObject, at: number): void {
  const o = object as unknown as Json
  const spec = asObj(o.spec) ?? {}
  const status = asObj(o.status) ?? {}
  const served: ServedPodTruth = pod.truth.served ?? {
    created: at,
    scheduled: null,
    running: null,
    allStarted: null,
    ready: null,
    conditions: {},
    unschedulable: false,
    stateful: asArr(spec.volumes).some((v) =>
      Object.keys(asObj(v) ?? {}).some((k) => !STATELESS_SOURCES.has(k)),
    ),
  }
  pod.truth.served = served
  if (served.scheduled === null && typeof spec.nodeName === 'string') served.scheduled = at
  if (served.running === null && status.phase === 'Running') served.running = at
  const regular = asArr(spec.containers).length
  const started = asArr(status.containerStatuses).filter((c) => {
    const st = asObj(asObj(c)?.state)
    return st?.running !== undefined || st?.terminated !== undefined
  }).length
  if (served.allStarted === null && regular > 0 && started >= regular) served.allStarted = at
  for (const c of asArr(status.conditions)) {
    const cond = asObj(c)
    const type = String(cond?.type)
    if (type === 'PodScheduled' && cond?.status === 'False' && cond.reason === 'Unschedulable')
      served.unschedulable = true
    if (cond?.status !== 'True' || type in served.conditions) continue
    served.conditions[type === 'PodHasNetwork' ? 'PodReadyToStartContainers' : type] = Date.parse(
      String(cond.lastTransitionTime),
    )
    if (type === 'Ready' && served.ready === null) served.ready = at
  }
}

function boundary(ms: number | null): Boundary | null {
  return ms === null ? null : { at: isoMs(ms), source: 'truth', precisionMs: 0 }
}

function pullRecord(p: TruePull): ImagePullRecord {
  return {
    container: p.container,
    init: p.init,
    image: p.image,
    imageDigest: p.digest,
    startedAt: p.startedAt === null ? null : isoMs(p.startedAt),
    pullMs: p.pullMs,
    waitMs: p.waitMs,
    sizeBytes: p.sizeBytes,
    sizeKind: p.sizeKind,
    cached: p.cached,
    attempts: p.attempts,
    outcome: p.outcome,
    failureReason: p.failureReason,
    downloadMs: p.downloadMs,
    decompressMs: p.decompressMs,
    splitMethod: p.cached || p.downloadMs === null ? null : 'truth',
  }
}

const sum = (xs: Array<number | null>): number | null =>
  xs.some((x) => x === null) ? null : xs.reduce<number>((s, x) => s + (x ?? 0), 0)

export function startupRecord(pod: SimPod, cluster: string, outcomeAtEnd?: 'pending'): StartupRecord {
  const t = pod.truth
  const created = pod.createdAt
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.max(0, a - b))
  const initEnd =
    t.sandboxReady === null || t.initialized === null ? null : Math.max(t.sandboxReady, t.initialized)
  const regular = t.pulls.filter((p) => !p.init)
  const allStarted = t.containersStarted !== null
  const pullWait = allStarted ? sum(regular.map((p) => p.waitMs)) : null
  const pull = allStarted ? sum(regular.map((p) => p.pullMs)) : null
  const download = allStarted ? sum(regular.map((p) => (p.cached ? 0 : p.downloadMs))) : null
  const decompress = allStarted ? sum(regular.map((p) => (p.cached ? 0 : p.decompressMs))) : null
  const init = diff(initEnd, t.sandboxReady)
  const start =
    allStarted && initEnd !== null && pullWait !== null && pull !== null
      ? Math.max(0, (t.containersStarted as number) - initEnd - pullWait - pull)
      : null
  const phases: Phases = {
    scheduling: diff(t.scheduled, created),
    sandbox: diff(t.sandboxReady, t.scheduled),
    init,
    pullWait,
    pull,
    download,
    decompress,
    start,
    ready: diff(t.ready, t.containersStarted),
  }
  const outcome = outcomeAtEnd ?? pod.outcome ?? 'pending'
  const sloMs =
    allStarted && pullWait !== null && pull !== null && init !== null
      ? Math.max(0, (t.containersStarted as number) - created - pullWait - pull - init)
      : null
  return {
    schemaVersion: STARTUP_RECORD_SCHEMA_VERSION,
    cluster,
    uid: pod.uid,
    namespace: pod.namespace,
    pod: pod.name,
    node: pod.node?.name ?? null,
    // A plain Job workload runs as Jobs named <name>-<suffix>: the owning Job is what the objects show.
    workload:
      pod.revision.workloadKind === 'Job'
        ? { kind: 'Job', name: pod.revision.ownerName }
        : { kind: pod.revision.workloadKind, name: pod.revision.workloadName },
    createdAt: isoMs(created),
    readyAt: t.ready === null ? null : isoMs(t.ready),
    outcome,
    outcomeReason: outcome === 'pending' ? null : pod.outcomeReason,
    totalMs: t.ready === null ? null : t.ready - created,
    phases,
    boundaries: {
      created: boundary(created),
      scheduled: boundary(t.scheduled),
      sandboxReady: boundary(t.sandboxReady),
      initialized: boundary(t.initialized),
      containersStarted: boundary(t.containersStarted),
      ready: boundary(t.ready),
      finished: boundary(t.finished),
    },
    pulls: t.pulls.map(pullRecord),
    containers: t.containers.map((c) => ({
      name: c.name,
      init: c.init,
      sidecar: c.sidecar,
      image: c.image,
      createdAt: c.createdAt === null ? null : isoMs(c.createdAt),
      startedAt: c.startedAt === null ? null : isoMs(c.startedAt),
      finishedAt: c.finishedAt === null ? null : isoMs(c.finishedAt),
      restarts: 0,
    })),
    cold: t.pulls.length === 0 ? null : t.pulls.some((p) => !p.cached),
    sloMs,
    fromStatusOnly: false,
    runtime: pod.node?.pool.runtime ?? null,
    ...servedCuts(pod, pullWait, pull, init),
  }
}

/** The truth of the SLO cut: condition stamps and send times as served, the SLI from the true creation. */
function servedCuts(
  pod: SimPod,
  pullWait: number | null,
  pull: number | null,
  init: number | null,
): Pick<StartupRecord, 'conditions' | 'observed' | 'sli'> {
  const s = pod.truth.served
  const at = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : isoMs(ms))
  const conditions = {
    PodScheduled: at(s?.conditions.PodScheduled),
    PodReadyToStartContainers: at(s?.conditions.PodReadyToStartContainers),
    Initialized: at(s?.conditions.Initialized),
    ContainersReady: at(s?.conditions.ContainersReady),
    Ready: at(s?.conditions.Ready),
  }
  const observed = {
    scheduled: at(s?.scheduled),
    running: at(s?.running),
    allStarted: at(s?.allStarted),
    ready: at(s?.ready),
  }
  let sli: NonNullable<StartupRecord['sli']>
  if (s?.stateful) sli = { ms: null, excluded: 'stateful' }
  else if (s?.unschedulable) sli = { ms: null, excluded: 'unschedulable' }
  else if (!s || s.allStarted === null) sli = { ms: null, excluded: 'not-started' }
  else if (pull === null || init === null) sli = { ms: null, excluded: 'unknown-pulls' }
  else
    sli = {
      ms: Math.max(0, Math.round(s.allStarted - pod.createdAt - (pullWait ?? 0) - pull - init)),
      excluded: null,
    }
  return { conditions, observed, sli }
}
