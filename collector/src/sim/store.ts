// The simulated API server's storage: one global resourceVersion counter (etcd-like), current objects per resource,
// and a bounded history of changes that watches replay from; older versions are compacted (410 Expired).
import type { ResourceName, ServedKubeObject } from './model-types.ts'

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface Change {
  rv: number
  type: ChangeType
  resource: ResourceName
  object: ServedKubeObject
  /** The watch line, serialised once for every watcher. */
  line?: string
}

export type ObjectFilter = (o: ServedKubeObject) => boolean

export function objectKey(o: ServedKubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`
}

export class ObjectStore {
  private rv = 1000
  private readonly objects = new Map<ResourceName, Map<string, ServedKubeObject>>()
  private history: Change[] = []
  /** Versions at or below this one can no longer be replayed. */
  compactedRv = 1000
  readonly listeners = new Set<(c: Change) => void>()

  /** Keeps at least the last `historyLimit` changes (and at most half as many again) for watches to replay. */
  constructor(private readonly historyLimit = 20000) {}

  get resourceVersion(): number {
    return this.rv
  }

  private table(resource: ResourceName): Map<string, ServedKubeObject> {
    let t = this.objects.get(resource)
    if (!t) {
      t = new Map()
      this.objects.set(resource, t)
    }
    return t
  }

  apply(resource: ResourceName, type: ChangeType, object: ServedKubeObject): Change {
    const rv = ++this.rv
    object.metadata.resourceVersion = String(rv)
    const key = objectKey(object)
    const t = this.table(resource)
    if (type === 'DELETED') t.delete(key)
    else t.set(key, object)
    const change: Change = { rv, type, resource, object }
    this.history.push(change)
    // Compacted in steps of half the limit: one copy per historyLimit / 2 changes, not one per change (a copy
    // of the whole window per change made a 10,000-pod burst block the server for tens of seconds).
    if (this.history.length >= this.historyLimit * 1.5) {
      const drop = this.history.length - this.historyLimit
      this.compactedRv = (this.history[drop - 1] as Change).rv
      this.history = this.history.slice(drop)
    }
    for (const l of this.listeners) l(change)
    return change
  }

  get(resource: ResourceName, namespace: string | undefined, name: string): ServedKubeObject | undefined {
    return this.table(resource).get(`${namespace ?? ''}/${name}`)
  }

  /** Current objects, sorted by namespace/name (the order continue tokens page through). */
  list(resource: ResourceName, filter: ObjectFilter): ServedKubeObject[] {
    const out: ServedKubeObject[] = []
    for (const o of this.table(resource).values()) if (filter(o)) out.push(o)
    return out.sort((a, b) => (objectKey(a) < objectKey(b) ? -1 : objectKey(a) > objectKey(b) ? 1 : 0))
  }

  all(resource: ResourceName): IterableIterator<ServedKubeObject> {
    return this.table(resource).values()
  }

  /** Changes after `rv`, or null when `rv` is older than the history window. */
  since(rv: number): Change[] | null {
    if (rv < this.compactedRv) return null
    let lo = 0
    let hi = this.history.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((this.history[mid] as Change).rv <= rv) lo = mid + 1
      else hi = mid
    }
    return this.history.slice(lo)
  }

  /** Drops the whole history: every version before now becomes too old to watch from. */
  compact(): void {
    this.compactedRv = this.rv
    this.history = []
  }
}

/** Parses a fieldSelector (`a=b,c!=d`) into a predicate over an object's dotted fields. */
export function fieldSelector(expr: string | null): ObjectFilter {
  if (!expr) return () => true
  const terms = expr.split(',').map((term) => {
    const m = /^([A-Za-z0-9.]+)\s*(==|=|!=)\s*(.*)$/.exec(term.trim())
    if (!m) throw new SelectorError(`invalid field selector term "${term}"`)
    const path = (m[1] as string).split('.')
    const negate = m[2] === '!='
    const value = m[3] as string
    return (o: ServedKubeObject) => {
      let cur: unknown = o
      for (const p of path)
        cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined
      const actual = cur === undefined || cur === null ? '' : String(cur)
      return negate ? actual !== value : actual === value
    }
  })
  return (o) => terms.every((t) => t(o))
}

/** Parses a labelSelector: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`. */
export function labelSelector(expr: string | null): ObjectFilter {
  if (!expr) return () => true
  const terms: Array<(l: Record<string, string>) => boolean> = []
  for (const raw of expr.match(/[^,(]+(\([^)]*\))?/g) ?? []) {
    const term = raw.trim()
    if (!term) continue
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term)
    if (m) {
      const key = m[1] as string
      const values = (m[3] as string).split(',').map((v) => v.trim())
      const notin = m[2] === 'notin'
      terms.push((l) => (notin ? !values.includes(l[key] ?? '\0') : values.includes(l[key] ?? '\0')))
      continue
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term)
    if (m) {
      const key = m[1] as string
      const value = m[3] as string
      const negate = m[2] === '!='
      terms.push((l) => (negate ? l[key] !== value : l[key] === value))
      continue
    }
    m = /^(!?)([\w./-]+)$/.exec(term)
    if (m) {
      const key = m[2] as string
      const absent = m[1] === '!'
      terms.push((l) => (absent ? !(key in l) : key in l))
      continue
    }
    throw new SelectorError(`invalid label selector term "${term}"`)
  }
  return (o) => terms.every((t) => t(o.metadata.labels ?? {}))
}

export class SelectorError extends Error {
  override name = 'SelectorError'
}
