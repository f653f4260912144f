// A Kubernetes object as parsed JSON: the fields the collector reads by name, everything else unknown. The one
// definition for the watch, the simulator and the lifecycle engine (pure, so every layer may import it).

export type KubeObject = {
  apiVersion?: string
  kind?: string
  metadata?: {
    name?: string
    namespace?: string
    uid?: string
    resourceVersion?: string
    creationTimestamp?: string
    ownerReferences?: unknown[]
    labels?: Record<string, string>
    [k: string]: unknown
  }
  [k: string]: unknown
}

/** An object as the API server holds it (the simulator's store): kind, apiVersion and a name always set. */
export type ServedKubeObject = KubeObject & {
  apiVersion: string
  kind: string
  metadata: NonNullable<KubeObject['metadata']> & { name: string }
}
