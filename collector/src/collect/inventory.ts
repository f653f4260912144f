// Cluster inventory rows besides startups: nodes (runtime, kubelet, pool), the images each workload runs
// with their pull policy, and rollouts with whether they changed only the image. Pure functions over the
// watched objects plus a small bounded memory of what was already written.
import type { KubeObject } from '../lifecycle/kube-object.ts'

type Labels = Record<string, string>
const POOL_LABELS = [
  'cloud.google.com/gke-nodepool',
  'eks.amazonaws.com/nodegroup',
  'kubernetes.azure.com/agentpool',
  'agentpool',
  'karpenter.sh/nodepool',
  'node.kubernetes.io/pool',
  'node-pool',
]

function iso(value: unknown, fallbackMs: number): string {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN
  return new Date(Number.isNaN(ms) ? fallbackMs : ms).toISOString()
}

function parseRuntime(version: string): { runtime: string; runtimeVersion: string } {
  const m = /^([a-z0-9.-]+):\/\/(.*)$/i.exec(version)
  return m
    ? { runtime: m[1]!.toLowerCase(), runtimeVersion: m[2]! }
    : { runtime: version.toLowerCase(), runtimeVersion: '' }
}

export function nodeRow(cluster: string, node: KubeObject, deleted: boolean, observedAtMs: number) {
  const meta = node.metadata ?? {}
  const labels = (meta.labels ?? {}) as Labels
  const info = ((node.status as { nodeInfo?: Record<string, string> } | undefined)?.nodeInfo ?? {}) as Record<
    string,
    string
  >
  const { runtime, runtimeVersion } = parseRuntime(info.containerRuntimeVersion ?? '')
  const pool = POOL_LABELS.map((l) => labels[l]).find((v) => v) ?? ''
  return {
    cluster,
    node: String(meta.name ?? ''),
    runtime,
    runtime_version: runtimeVersion,
    kubelet_version: info.kubeletVersion ?? '',
    os_image: info.osImage ?? '',
    kernel_version: info.kernelVersion ?? '',
    architecture: info.architecture ?? labels['kubernetes.io/arch'] ?? '',
    pool,
    instance_type:
      labels['node.kubernetes.io/instance-type'] ?? labels['beta.kubernetes.io/instance-type'] ?? '',
    zone: labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '',
    created_at: iso(meta.creationTimestamp, observedAtMs),
    first_seen_at: new Date(observedAtMs).toISOString(),
    deleted,
    version: observedAtMs,
  }
}
export type NodeRow = ReturnType<typeof nodeRow>

type OwnerRef = { kind?: string; name?: string; controller?: boolean }
type ContainerSpec = {
  name?: string
  image?: string
  imagePullPolicy?: string
  readinessProbe?: unknown
  startupProbe?: unknown
  ports?: Array<{ containerPort?: number }>
}

/** A probe as in the spec, JSON; empty when the container has none. */
function probeJson(probe: unknown): string {
  return probe && typeof probe === 'object' ? JSON.stringify(probe) : ''
}

/** The workload a pod belongs to, from its controller reference (ReplicaSet -> Deployment by the template hash). */
function podWorkload(pod: KubeObject): { kind: string; name: string } {
  const meta = pod.metadata ?? {}
  const owners = (meta.ownerReferences ?? []) as OwnerRef[]
  const owner = owners.find((o) => o.controller) ?? owners[0]
  if (!owner?.kind || !owner.name) return { kind: '', name: '' }
  const hash = ((meta.labels ?? {}) as Labels)['pod-template-hash']
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return { kind: 'Deployment', name: owner.name.slice(0, -(hash.length + 1)) }
  }
  return { kind: owner.kind, name: owner.name }
}

function isImmutableReference(image: string): boolean {
  return /@sha256:[0-9a-f]{64}$/i.test(image)
}

export class WorkloadImageTracker {
  private readonly written = new Set<string>()
  constructor(private readonly maxRemembered = 50_000) {}

  /** Rows for images of this pod not written recently (bounded memory; the table deduplicates anyway). */
  rows(cluster: string, pod: KubeObject, observedAtMs: number) {
    const meta = pod.metadata ?? {}
    const spec =
      (
        pod as {
          spec?: {
            containers?: ContainerSpec[]
            initContainers?: ContainerSpec[]
            nodeSelector?: Record<string, string>
          }
        }
      ).spec ?? {}
    const nodeSelector = Object.fromEntries(
      Object.entries(spec.nodeSelector ?? {}).filter(([, v]) => typeof v === 'string'),
    )
    const statuses = [
      ...(((pod.status as { containerStatuses?: unknown[] } | undefined)?.containerStatuses ?? []) as Array<{
        name?: string
        imageID?: string
      }>),
      ...(((pod.status as { initContainerStatuses?: unknown[] } | undefined)?.initContainerStatuses ??
        []) as Array<{ name?: string; imageID?: string }>),
    ]
    const workload = podWorkload(pod)
    const namespace = String(meta.namespace ?? '')
    const out = []
    for (const [init, list] of [
      [false, spec.containers ?? []],
      [true, spec.initContainers ?? []],
    ] as const) {
      for (const c of list) {
        if (!c.name || !c.image) continue
        const digest =
          statuses.find((s) => s.name === c.name)?.imageID?.match(/sha256:[0-9a-f]{64}/i)?.[0] ?? null
        const readiness = probeJson(c.readinessProbe)
        const startup = probeJson(c.startupProbe)
        const ports = (c.ports ?? [])
          .map((p) => p.containerPort)
          .filter((p): p is number => Number.isInteger(p) && (p as number) > 0 && (p as number) < 65536)
        // The spec is part of the key: a changed probe or selector is written again, not remembered away.
        const key = `${namespace}/${workload.kind}/${workload.name}/${c.name}/${c.image}/${digest ?? ''}/${readiness}/${startup}/${ports.join(',')}/${JSON.stringify(nodeSelector)}`
        if (this.written.has(key)) continue
        if (this.written.size >= this.maxRemembered) this.written.clear()
        this.written.add(key)
        out.push({
          cluster,
          namespace,
          workload_kind: workload.kind,
          workload_name: workload.name,
          container: c.name,
          init,
          image: c.image,
          image_digest: digest,
          pull_policy: c.imagePullPolicy ?? '',
          immutable_reference: isImmutableReference(c.image),
          readiness_probe: readiness,
          startup_probe: startup,
          container_ports: ports,
          node_selector: nodeSelector,
          spec_recorded: true,
          last_seen_at: new Date(observedAtMs).toISOString(),
          version: observedAtMs,
        })
      }
    }
    return out
  }
}

/**
 * Rollouts from ReplicaSets: remembers, per Deployment, a compact signature of each revision's template
 * (the template without images, and the images) to tell whether a new revision changed only images.
 */
export class RolloutTracker {
  private readonly revisions = new Map<
    string,
    Array<{ rs: string; revision: number; shape: string; images: string }>
  >()

  row(cluster: string, rs: KubeObject, observedAtMs: number) {
    const meta = rs.metadata ?? {}
    const owner = ((meta.ownerReferences ?? []) as OwnerRef[]).find((o) => o.kind === 'Deployment')
    if (!owner?.name || !meta.name) return null
    const annotations = (meta.annotations ?? {}) as Labels
    const revision = Number(annotations['deployment.kubernetes.io/revision'] ?? 0)
    const template = ((
      rs.spec as { template?: { metadata?: { labels?: Labels }; spec?: Record<string, unknown> } } | undefined
    )?.template ?? {}) as {
      metadata?: { labels?: Labels }
      spec?: { containers?: ContainerSpec[]; initContainers?: ContainerSpec[] }
    }
    const containers = [...(template.spec?.initContainers ?? []), ...(template.spec?.containers ?? [])]
    const images = containers.map((c) => `${c.name}=${c.image}`).join(',')
    const withoutImages = JSON.stringify({
      ...template.spec,
      containers: template.spec?.containers?.map((c) => ({ ...c, image: '' })),
      initContainers: template.spec?.initContainers?.map((c) => ({ ...c, image: '' })),
    })
    const key = `${meta.namespace}/${owner.name}`
    const list = this.revisions.get(key) ?? []
    if (!list.some((r) => r.rs === meta.name)) {
      list.push({ rs: String(meta.name), revision, shape: withoutImages, images })
      list.sort((a, b) => a.revision - b.revision)
      if (list.length > 10) list.shift()
      this.revisions.set(key, list)
    }
    const index = list.findIndex((r) => r.rs === meta.name)
    const previous = index > 0 ? list[index - 1] : undefined
    const current = list[index]!
    const labels = template.metadata?.labels ?? {}
    return {
      cluster,
      namespace: String(meta.namespace ?? ''),
      workload_kind: 'Deployment',
      workload_name: owner.name,
      revision: String(revision || meta.name),
      replica_set: String(meta.name),
      started_at: iso(meta.creationTimestamp, observedAtMs),
      template_hash: labels['pod-template-hash'] ?? '',
      image_only: previous ? previous.shape === current.shape && previous.images !== current.images : null,
      images: containers.map((c) => c.image ?? ''),
      version: observedAtMs,
    }
  }
}
export type RolloutRow = NonNullable<ReturnType<RolloutTracker['row']>>
