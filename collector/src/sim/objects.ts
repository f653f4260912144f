// Builds Kubernetes objects as a real API server shows them: whole-second timestamps, kubelet's condition order.
import type {
  ServedKubeObject,
  SimContainerStatus,
  SimNode,
  SimPod,
  WorkloadRevision,
} from './model-types.ts'

let lastSecond = Number.NaN
let lastSecondText = ''

/** Whole-second RFC 3339 time, truncated (the API server drops fractions, it does not round). */
export function secIso(ms: number): string {
  const second = Math.floor(ms / 1000)
  // Objects are built in time order, so the previous second is nearly always the one asked for.
  if (second !== lastSecond) {
    lastSecond = second
    lastSecondText = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`
  }
  return lastSecondText
}

/** MicroTime as the scheduler writes eventTime: 2026-11-22T10:00:00.123456Z. */
function microIso(ms: number, extraMicros: number): string {
  const base = new Date(Math.floor(ms)).toISOString().slice(0, 23)
  return `${base}${String(Math.floor(extraMicros) % 1000).padStart(3, '0')}Z`
}

const CONDITION_ORDER = [
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
]

function containerSpec(
  c: { name: string; image: string; pullPolicy: string },
  rev: WorkloadRevision,
  withProbe: boolean,
): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    name: c.name,
    image: c.image,
    imagePullPolicy: c.pullPolicy,
    resources: { requests: { cpu: '100m', memory: '128Mi' } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  }
  if (withProbe && rev.readiness) {
    spec.ports = [{ containerPort: 8080, name: 'http', protocol: 'TCP' }]
    spec.readinessProbe = {
      httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
      initialDelaySeconds: rev.readiness.initialDelayS,
      periodSeconds: rev.readiness.periodS,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    }
  }
  return spec
}

export function podTemplateSpec(rev: WorkloadRevision): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    containers: rev.containers.map((c, i) => containerSpec(c, rev, i === 0)),
    restartPolicy: rev.ownerKind === 'Job' ? 'Never' : 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    schedulerName: 'default-scheduler',
    securityContext: {},
  }
  if (rev.initContainers.length > 0) {
    spec.initContainers = rev.initContainers.map((c) => {
      const s = containerSpec(c, rev, false)
      if (c.sidecar) s.restartPolicy = 'Always'
      return s
    })
  }
  if (rev.nodePool) spec.nodeSelector = { 'podstart.dev/node-pool': rev.nodePool }
  return spec
}

function statusObject(s: SimContainerStatus, restartCount: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: s.name,
    image: s.image,
    imageID: s.imageId ?? '',
    ready: s.ready,
    restartCount,
    started: s.started,
    lastState: {},
  }
  if (s.containerId) out.containerID = s.containerId
  const st = s.state
  if (st.kind === 'waiting')
    out.state = { waiting: { reason: st.reason, ...(st.message ? { message: st.message } : {}) } }
  else if (st.kind === 'running') out.state = { running: { startedAt: secIso(st.startedAt) } }
  else {
    out.state = {
      terminated: {
        containerID: s.containerId,
        exitCode: st.exitCode,
        reason: st.reason,
        startedAt: secIso(st.startedAt),
        finishedAt: secIso(st.finishedAt),
      },
    }
  }
  return out
}

export function podObject(pod: SimPod): ServedKubeObject {
  const rev = pod.revision
  const spec = podTemplateSpec(rev)
  spec.tolerations = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 300,
    },
  ]
  spec.enableServiceLinks = true
  spec.priority = 0
  spec.preemptionPolicy = 'PreemptLowerPriority'
  if (pod.node) spec.nodeName = pod.node.name
  const conditions = [...pod.conditions]
    .sort((a, b) => CONDITION_ORDER.indexOf(a.type) - CONDITION_ORDER.indexOf(b.type))
    .map((c) => ({
      type: c.type,
      status: c.status,
      lastProbeTime: null,
      lastTransitionTime: secIso(c.at),
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
    }))
  const status: Record<string, unknown> = { phase: pod.phase, qosClass: 'Burstable', conditions }
  if (pod.node && pod.truth.kubeletSaw !== null) {
    status.hostIP = pod.node.ip
    status.hostIPs = [{ ip: pod.node.ip }]
    status.startTime = secIso(pod.truth.kubeletSaw)
    const inits = pod.statuses.filter((s) => s.init)
    const regular = pod.statuses.filter((s) => !s.init)
    if (inits.length > 0) status.initContainerStatuses = inits.map((s) => statusObject(s, 0))
    status.containerStatuses = regular.map((s) => statusObject(s, 0))
  }
  if (pod.podIp) {
    status.podIP = pod.podIp
    status.podIPs = [{ ip: pod.podIp }]
  }
  const metadata: ServedKubeObject['metadata'] = {
    name: pod.name,
    namespace: pod.namespace,
    uid: pod.uid,
    creationTimestamp: secIso(pod.createdAt),
    labels: { ...rev.labels },
    ownerReferences: [
      {
        apiVersion: rev.ownerKind === 'Job' ? 'batch/v1' : 'apps/v1',
        kind: rev.ownerKind,
        name: rev.ownerName,
        uid: rev.ownerUid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  }
  if (rev.ownerKind === 'ReplicaSet') metadata.generateName = `${rev.ownerName}-`
  else metadata.generateName = `${rev.ownerName}-`
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status }
}

export function nodeObject(node: SimNode): ServedKubeObject {
  const p = node.pool
  const runtimeVersion = `${p.runtime}://${p.runtimeVersion}`
  const at = secIso(node.createdAt)
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      uid: node.uid,
      creationTimestamp: at,
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'sim.large',
        'podstart.dev/node-pool': p.name,
      },
    },
    spec: { podCIDR: `10.244.${node.podCidrIndex}.0/24`, podCIDRs: [`10.244.${node.podCidrIndex}.0/24`] },
    status: {
      capacity: { cpu: '8', memory: '32Gi', pods: String(p.maxPods), 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '7800m', memory: '31Gi', pods: String(p.maxPods), 'ephemeral-storage': '95Gi' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: at,
          lastTransitionTime: at,
        },
      ],
      addresses: [
        { type: 'InternalIP', address: node.ip },
        { type: 'Hostname', address: node.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: node.uid.replaceAll('-', ''),
        systemUUID: node.uid,
        bootID: node.uid,
        kernelVersion: '6.1.0-28-cloud-amd64',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: runtimeVersion,
        kubeletVersion: `v${p.kubeletVersion}`,
        kubeProxyVersion: `v${p.kubeletVersion}`,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  }
}

export function namespaceObject(name: string, uid: string, createdAt: number): ServedKubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid,
      creationTimestamp: secIso(createdAt),
      labels: { 'kubernetes.io/metadata.name': name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  }
}

export interface KubeletEventInput {
  pod: SimPod
  name: string
  uid: string
  reason: string
  message: string
  type: 'Normal' | 'Warning'
  fieldPath?: string
  firstAt: number
  lastAt: number
  count: number
  createdAt: number
}

export function kubeletEventObject(e: KubeletEventInput): ServedKubeObject {
  const node = e.pod.node?.name ?? ''
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: e.name,
      namespace: e.pod.namespace,
      uid: e.uid,
      creationTimestamp: secIso(e.createdAt),
    },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      name: e.pod.name,
      namespace: e.pod.namespace,
      uid: e.pod.uid,
      ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
    },
    reason: e.reason,
    message: e.message,
    source: { component: 'kubelet', host: node },
    firstTimestamp: secIso(e.firstAt),
    lastTimestamp: secIso(e.lastAt),
    count: e.count,
    type: e.type,
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: node,
  }
}

export interface SchedulerEventInput {
  pod: SimPod
  name: string
  uid: string
  reason: 'Scheduled' | 'FailedScheduling'
  message: string
  eventTimeMs: number
  micros: number
  series?: { count: number; lastObservedMs: number; lastMicros: number }
  createdAt: number
}

export function schedulerEventObject(e: SchedulerEventInput): ServedKubeObject {
  const obj: ServedKubeObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: e.name,
      namespace: e.pod.namespace,
      uid: e.uid,
      creationTimestamp: secIso(e.createdAt),
    },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      name: e.pod.name,
      namespace: e.pod.namespace,
      uid: e.pod.uid,
    },
    reason: e.reason,
    message: e.message,
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    type: e.reason === 'Scheduled' ? 'Normal' : 'Warning',
    eventTime: microIso(e.eventTimeMs, e.micros),
    action: e.reason === 'Scheduled' ? 'Binding' : 'Scheduling',
    reportingComponent: 'default-scheduler',
    reportingInstance: 'default-scheduler-control-plane',
  }
  if (e.series) {
    obj.series = {
      count: e.series.count,
      lastObservedTime: microIso(e.series.lastObservedMs, e.series.lastMicros),
    }
  }
  return obj
}
