// Owning workloads: ReplicaSet -> Deployment and Job -> CronJob from the owners' own ownerReferences,
// with a name-based fallback for ReplicaSets never observed.
import { type Obj, obj } from './narrow.ts'

export interface Workload {
  kind: string
  name: string
}

/** Remembers the controller of ReplicaSets and Jobs, bounded (oldest forgotten first). */
export class OwnerIndex {
  private readonly owners = new Map<string, Workload | null>()
  constructor(private readonly max = 100_000) {}

  /** Records a ReplicaSet or Job (null owner = a bare one). */
  observe(kind: string, object: Obj): void {
    const meta = obj(object.metadata)
    const ns = typeof meta?.namespace === 'string' ? meta.namespace : ''
    const name = typeof meta?.name === 'string' ? meta.name : null
    if (!name) return
    const refs = Array.isArray(meta?.ownerReferences) ? (meta.ownerReferences as unknown[]) : []
    const ref = refs.map(obj).find((r) => r?.controller === true) ?? obj(refs[0])
    const owner =
      typeof ref?.kind === 'string' && typeof ref?.name === 'string'
        ? { kind: ref.kind, name: ref.name }
        : null
    const key = `${kind}/${ns}/${name}`
    this.owners.delete(key)
    this.owners.set(key, owner)
    if (this.owners.size > this.max) {
      const oldest = this.owners.keys().next().value
      if (oldest !== undefined) this.owners.delete(oldest)
    }
  }

  resolve(
    namespace: string,
    ownerKind: string | null,
    ownerName: string | null,
    templateHash: string | null,
  ): Workload | null {
    if (!ownerKind || !ownerName) return null
    if (ownerKind === 'ReplicaSet') {
      const key = `ReplicaSet/${namespace}/${ownerName}`
      if (this.owners.has(key)) return this.owners.get(key) ?? { kind: 'ReplicaSet', name: ownerName }
      if (
        templateHash &&
        ownerName.endsWith(`-${templateHash}`) &&
        ownerName.length > templateHash.length + 1
      )
        return { kind: 'Deployment', name: ownerName.slice(0, -templateHash.length - 1) }
      return { kind: 'ReplicaSet', name: ownerName }
    }
    if (ownerKind === 'Job') {
      const owner = this.owners.get(`Job/${namespace}/${ownerName}`)
      return owner?.kind === 'CronJob' ? owner : { kind: 'Job', name: ownerName }
    }
    return { kind: ownerKind, name: ownerName }
  }

  get size(): number {
    return this.owners.size
  }
}

/** 'containerd://1.7.2' -> 'containerd'; 'cri-o://1.29.1' -> 'cri-o'. */
export function runtimeName(version: unknown): string | null {
  if (typeof version !== 'string' || version.length === 0) return null
  const scheme = version.split('://')[0]?.toLowerCase() ?? ''
  if (scheme === 'containerd') return 'containerd'
  if (scheme === 'cri-o' || scheme === 'crio') return 'cri-o'
  return scheme || null
}
