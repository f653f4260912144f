// The lifecycle engine: folds watch updates of Pods, Events, Nodes and owners into compact per-pod state
// and emits one StartupRecord per pod UID once it is final (after a grace period for late events).
import type { StartupRecord } from '@podstart/schema/record'
import type { SplitRates } from '@podstart/schema/splits'
import { addEvent, MAX_PENDING_EVENTS_PER_POD, podEventCap } from './event-caps.ts'
import { type CompactEvent, compactEvent, eventTarget, isPodEvent } from './events.ts'
import type { KubeObject } from './kube-object.ts'
import { type Obj, obj } from './narrow.ts'
import { OwnerIndex, runtimeName } from './owners.ts'
import { applyPod, PodState, StringPool } from './pod-state.ts'
import { buildRecord, type ImageProfileLookup, type RecordContext, type RecordMode } from './record.ts'
import { parseTime } from './time.ts'

export type { KubeObject } from './kube-object.ts'

export interface WatchUpdate {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'LIST'
  object: KubeObject
}

export interface LifecycleOptions {
  cluster: string
  /** final=false for a pending record written by the stuck timeout. */
  onRecord?: (record: StartupRecord, final: boolean) => void
  /** After a pod is final, wait this long (observedAt clock) for late events before emitting. */
  graceMs?: number
  /**
   * Emit a final record this soon after the pod is final (most events trail the status by well under a second),
   * keep the pod until the grace ends, and emit again only if late evidence changed the record. Off by default:
   * then each pod is emitted once, after the grace.
   */
  settleMs?: number
  /** Emit a pending (or failed) record after this long, keep tracking, re-emit when final. */
  stuckTimeoutMs?: number
  splitRates?: (node: string | null, runtime: string | null) => SplitRates | undefined
  imageProfile?: ImageProfileLookup
  /** Each input not used (or evidence dropped), by reason, as counted in stats().rejects. */
  onReject?: (reason: string) => void
  /** Input that contradicts itself (one UID for two pods), said once per case; also kept in stats().warnings. */
  onWarning?: (message: string) => void
}

export interface LifecycleStats {
  trackedPods: number
  emitted: number
  rejects: Record<string, number>
  clockSkewClamps: number
  lateEventsDropped: number
  approxStateBytes?: number
  /** The first MAX_WARNINGS warnings (see LifecycleOptions.onWarning). */
  warnings: string[]
}

const WATCH_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'LIST'])
const MAX_PENDING_KEYS = 50_000
/** Events held for pods not seen yet, all pods together (~50 MB): the oldest pods' go first beyond it. */
const MAX_PENDING_EVENTS = 250_000
const MAX_WARNINGS = 20
/** Distinct conflicts remembered so each is warned about once. */
const MAX_CONFLICTS_REMEMBERED = 10_000
const PENDING_MAX_AGE_MS = 10 * 60_000
const MAX_FINISHED = 100_000

interface PendingEvents {
  events: CompactEvent[]
  sinceMs: number
}

/** Kind of an object, inferred from its shape when a List left it out. */
function kindOf(o: Obj): string | null {
  if (typeof o.kind === 'string' && o.kind.length > 0) return o.kind
  if (obj(o.involvedObject) || obj(o.regarding)) return 'Event'
  const spec = obj(o.spec)
  if (spec && Array.isArray(spec.containers)) return 'Pod'
  if (obj(obj(o.status)?.nodeInfo)) return 'Node'
  return null
}

export class LifecycleEngine {
  private readonly pods = new Map<string, PodState>()
  private readonly uidByName = new Map<string, string>()
  private readonly pending = new Map<string, PendingEvents>()
  private readonly finished = new Set<string>()
  private readonly runtimes = new Map<string, string | null>()
  private readonly owners = new OwnerIndex()
  private readonly pool = new StringPool()
  private finalQueue: PodState[] = []
  private finalHead = 0
  /** Position in finalQueue of the next pod to emit early (settleMs); always >= finalHead. */
  private settleHead = 0
  private stuckQueue: PodState[] = []
  private stuckHead = 0
  private readonly rejects: Record<string, number> = {}
  private pendingEvents = 0
  /** Events held by tracked pods, kept as they change: stats() is read every few ms and must not walk every pod. */
  private podEvents = 0
  /**
   * Pods emitted early (settleMs), with the record written and what its build looked up (owner, runtime, split
   * rates, image profiles) and its clamps. `unchanged` until the pod's state changes. At the end of the grace,
   * an unchanged pod whose lookups answer the same again has the record already written and is not built
   * again; any other is built again and written only when the record differs from the one kept (compared as
   * values: no serialisation of either).
   */
  private readonly settled = new Map<PodState, Settled>()
  /** Lookups of the build under way, when it is an early one (else null). */
  private lookups: Lookup[] | null = null
  private readonly warnings: string[] = []
  private readonly conflicts = new Set<string>()
  /** namespace/name of the other pods seen claiming a tracked UID: their events are theirs, not its. */
  private readonly claims = new Map<string, Set<string>>()
  private emitted = 0
  private clockSkewClamps = 0
  private lateEventsDropped = 0
  private readonly graceMs: number
  private readonly stuckTimeoutMs: number
  private readonly ctx: RecordContext

  constructor(private readonly opts: LifecycleOptions) {
    this.graceMs = opts.graceMs ?? 10_000
    this.stuckTimeoutMs = opts.stuckTimeoutMs ?? 15 * 60_000
    const noted =
      <A extends unknown[], R>(fn: (...args: A) => R) =>
      (...args: A): R => {
        const answer = fn(...args)
        this.lookups?.push({ ask: () => fn(...args), answer })
        return answer
      }
    const { splitRates, imageProfile } = opts
    this.ctx = {
      cluster: opts.cluster,
      runtimeOf: noted((node: string | null) => (node === null ? null : (this.runtimes.get(node) ?? null))),
      workloadOf: noted((s: PodState) =>
        this.owners.resolve(s.namespace, s.ownerKind, s.ownerName, s.templateHash),
      ),
      splitRates: splitRates && noted(splitRates),
      imageProfile: imageProfile && noted(imageProfile),
    }
  }

  private reject(reason: string, n = 1): void {
    if (n <= 0) return
    this.rejects[reason] = (this.rejects[reason] ?? 0) + n
    if (this.opts.onReject) for (let i = 0; i < n; i++) this.opts.onReject(reason)
  }

  /** Counts a second identity for a tracked UID and warns once per distinct pair. */
  private conflict(state: PodState, namespace: string, name: string, what: string): void {
    this.reject('uid-conflict')
    if (!this.once(state.uid, `${namespace}/${name}`)) return
    if (what === 'a pod update') {
      const claims = this.claims.get(state.uid) ?? new Set<string>()
      claims.add(`${namespace}/${name}`)
      this.claims.set(state.uid, claims)
    }
    this.warn(
      `uid ${state.uid} is pod ${state.namespace}/${state.name} but ${what} names it ${namespace}/${name}: kept ${state.namespace}/${state.name}, ignored ${namespace}/${name}`,
    )
  }

  /** True the first time a (uid, what) pair is met, while there is room to remember it. */
  private once(uid: string, what: string): boolean {
    const key = `${uid} ${what}`
    if (this.conflicts.has(key) || this.conflicts.size >= MAX_CONFLICTS_REMEMBERED) return false
    this.conflicts.add(key)
    return true
  }

  private warn(message: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(message)
    this.opts.onWarning?.(message)
  }

  /** Adds an event to a pod's (or a pending pod's) events under its cap, counting what the cap dropped. */
  private keep(holder: { events: CompactEvent[] }, e: CompactEvent, cap: number): boolean {
    const outcome = addEvent(holder, e, cap)
    if (outcome === 'repeat-dropped') this.reject('event-repeat-dropped')
    else if (outcome === 'cap-dropped') this.reject('events-per-pod-cap')
    else if (outcome === 'added' && holder instanceof PodState) this.podEvents++
    return outcome === 'added'
  }

  /** Folds one watch update in; observedAtMs is the collector's receipt time (NaN: timestamps only). */
  observe(update: WatchUpdate, observedAtMs: number = Number.NaN): void {
    try {
      const u = obj(update)
      if (!u) {
        this.reject('not-an-object')
        return
      }
      if (typeof u.type !== 'string' || !WATCH_TYPES.has(u.type)) {
        this.reject('bad-watch-type')
        return
      }
      if (u.type === 'BOOKMARK') return
      const o = obj(u.object)
      if (!o) {
        this.reject('not-an-object')
        return
      }
      const kind = kindOf(o)
      const deleted = u.type === 'DELETED'
      switch (kind) {
        case 'Pod': {
          this.observePod(o, deleted, observedAtMs, u.type === 'LIST')
          return
        }
        case 'Event':
          if (deleted) return
          {
            this.observeEvent(o)
            return
          }
        case 'Node': {
          const name = obj(o.metadata)?.name
          if (typeof name !== 'string') {
            this.reject('node-without-name')
            return
          }
          this.runtimes.set(
            name,
            this.pool.get(runtimeName(obj(obj(o.status)?.nodeInfo)?.containerRuntimeVersion)),
          )
          return
        }
        case 'ReplicaSet':
        case 'Job':
          this.owners.observe(kind, o)
          return
        case 'Deployment':
        case 'CronJob':
        case 'StatefulSet':
        case 'DaemonSet':
        case 'CloneSet':
          return
        default: {
          this.reject(kind ? `unknown-kind:${kind}` : 'unknown-kind')
          return
        }
      }
    } catch {
      this.reject('malformed')
    }
  }

  private observePod(o: Obj, deleted: boolean, observedAtMs: number, listed = false): void {
    const meta = obj(o.metadata) ?? {}
    const uid = typeof meta.uid === 'string' && meta.uid ? meta.uid : null
    const name = typeof meta.name === 'string' && meta.name ? meta.name : null
    const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default'
    if (!uid || !name) {
      this.reject('pod-without-uid-or-name')
      return
    }
    if (this.finished.has(uid)) return
    let state = this.pods.get(uid)
    const seen = state !== undefined
    if (!state) {
      // The same reading applyPod keeps (a number or a short string like "2024" is no creation time).
      if (Number.isNaN(parseTime(meta.creationTimestamp))) {
        this.reject('pod-without-creationTimestamp')
        return
      }
      state = new PodState(uid, this.pool.get(namespace), name)
      this.pods.set(uid, state)
      this.uidByName.set(`${namespace}/${name}`, uid)
      this.stuckQueue.push(state)
    } else if (state.namespace !== namespace || state.name !== name) {
      // A UID is unique in a cluster: a second namespace/name for it is forged or merged input. Folding it
      // into the first pod would make one startup out of two; the first one seen is kept.
      this.conflict(state, namespace, name, 'a pod update')
      return
    }
    applyPod(state, o, observedAtMs, this.pool, listed)
    this.changed(state)
    if (!seen) {
      // After applyPod: the pod's container count sets how many events it may keep.
      const nameKey = `${namespace}/${name}`
      this.adoptPending(state, pendingKey(uid, nameKey))
      this.adoptPending(state, pendingKey(uid, `${namespace}/`))
      this.adoptPending(state, nameKey)
    }
    if (deleted && Number.isNaN(state.deletedMs))
      state.deletedMs = Number.isNaN(observedAtMs) ? 0 : observedAtMs
    const final =
      !Number.isNaN(state.ready.condMs) || state.phase === 'Succeeded' || state.phase === 'Failed' || deleted
    if (final && Number.isNaN(state.finalAtMs)) {
      state.finalAtMs = Number.isNaN(observedAtMs) ? Number.NEGATIVE_INFINITY : observedAtMs
      this.finalQueue.push(state)
    }
  }

  private adoptPending(state: PodState, key: string): void {
    const p = this.pending.get(key)
    if (!p) return
    this.dropPending(key, p)
    const cap = podEventCap(state.containers.length)
    for (const e of p.events) this.keep(state, e, cap)
  }

  private dropPending(key: string, p: PendingEvents): void {
    this.pending.delete(key)
    this.pendingEvents -= p.events.length
  }

  private observeEvent(o: Obj): void {
    if (!isPodEvent(o)) return
    const target = eventTarget(o)
    if (!target.uid && !target.name) {
      this.reject('event-without-target')
      return
    }
    const e = compactEvent(o, this.pool)
    if (!e) {
      this.reject('event-without-time')
      return
    }
    if (target.uid && this.finished.has(target.uid)) {
      this.lateEventsDropped++
      return
    }
    const namespace = target.namespace ?? 'default'
    const nameKey = `${namespace}/${target.name ?? ''}`
    const uid = target.uid ?? (target.name ? this.uidByName.get(nameKey) : undefined)
    const state = uid ? this.pods.get(uid) : undefined
    if (state) {
      const name = target.name ?? state.name
      if (name !== state.name || this.claims.get(state.uid)?.has(`${namespace}/${name}`)) {
        this.conflict(state, namespace, name, 'an event')
        return
      }
      // Same UID and name in another namespace, and no pod seen there: tools that anonymise captures rewrite
      // namespaces in one file and not the other, so the UID decides; said once.
      if (namespace !== state.namespace && this.once(state.uid, `${namespace}/${name} joined`))
        this.warn(
          `events for uid ${state.uid} name ${namespace}/${name}, the pod is ${state.namespace}/${state.name}: joined by uid`,
        )
      this.keep(state, e, podEventCap(state.containers.length))
      this.changed(state)
      return
    }
    // Keyed by UID and name together, so events of two pods claiming one UID never share a key.
    const key = target.uid ? pendingKey(target.uid, nameKey) : nameKey
    let p = this.pending.get(key)
    if (!p) {
      if (this.pending.size >= MAX_PENDING_KEYS) this.evictOldestPending()
      p = { events: [], sinceMs: e.firstMs }
      this.pending.set(key, p)
    }
    if (this.keep(p, e, MAX_PENDING_EVENTS_PER_POD) && ++this.pendingEvents > MAX_PENDING_EVENTS)
      this.evictOldestPending()
  }

  private evictOldestPending(): void {
    const oldest = this.pending.entries().next().value
    if (oldest === undefined) return
    this.dropPending(oldest[0], oldest[1])
    this.reject('pending-events-evicted', oldest[1].events.length)
  }

  /** The pod's state changed: a record it emitted early may no longer be the one it would build. */
  private changed(state: PodState): void {
    const settled = this.settled.get(state)
    if (settled) settled.unchanged = false
  }

  private emit(state: PodState, mode: RecordMode): StartupRecord {
    const built = buildRecord(state, this.ctx, mode)
    this.clockSkewClamps += built.clamps
    this.emitted++
    if (mode === 'final') this.forget(state)
    return built.record
  }

  private forget(state: PodState): void {
    this.pods.delete(state.uid)
    this.podEvents -= state.events.length
    this.settled.delete(state)
    this.claims.delete(state.uid)
    const nameKey = `${state.namespace}/${state.name}`
    if (this.uidByName.get(nameKey) === state.uid) this.uidByName.delete(nameKey)
    this.finished.add(state.uid)
    if (this.finished.size > MAX_FINISHED) {
      const oldest = this.finished.values().next().value
      if (oldest !== undefined) this.finished.delete(oldest)
    }
  }

  /** Emits records whose grace elapsed and pending records of pods stuck past the timeout. */
  tick(nowMs: number): void {
    const settleMs = this.opts.settleMs
    if (settleMs !== undefined) {
      this.settleHead = Math.max(this.settleHead, this.finalHead)
      while (this.settleHead < this.finalQueue.length) {
        const s = this.finalQueue[this.settleHead] as PodState
        if (s.finalAtMs + settleMs > nowMs) break
        this.settleHead++
        if (this.pods.get(s.uid) !== s || this.settled.has(s)) continue
        const lookups: Lookup[] = []
        this.lookups = lookups
        let built: ReturnType<typeof buildRecord>
        try {
          built = buildRecord(s, this.ctx, 'final')
        } finally {
          this.lookups = null
        }
        this.settled.set(s, { lookups, clamps: built.clamps, record: built.record, unchanged: true })
        this.emitted++
        this.opts.onRecord?.(built.record, true)
      }
    }
    while (this.finalHead < this.finalQueue.length) {
      const s = this.finalQueue[this.finalHead] as PodState
      if (s.finalAtMs + this.graceMs > nowMs) break
      this.finalHead++
      if (this.pods.get(s.uid) !== s) continue
      const settled = this.settled.get(s)
      if (settled?.unchanged && settled.lookups.every(sameAnswer)) {
        // Nothing the record is built from changed since it was written early: no second build, no write.
        this.clockSkewClamps += settled.clamps
        this.forget(s)
        continue
      }
      const record = this.emit(s, 'final')
      // Emitted early already: write again only when late evidence changed the record.
      if (!settled || !sameValue(record, settled.record)) this.opts.onRecord?.(record, true)
      else this.emitted--
    }
    if (this.finalHead > 1024 && this.finalHead * 2 > this.finalQueue.length) {
      this.finalQueue = this.finalQueue.slice(this.finalHead)
      this.settleHead -= this.finalHead
      this.finalHead = 0
    }
    while (this.stuckHead < this.stuckQueue.length) {
      const s = this.stuckQueue[this.stuckHead] as PodState
      const live =
        this.pods.get(s.uid) === s &&
        Number.isNaN(s.finalAtMs) &&
        !s.stuckEmitted &&
        !Number.isNaN(s.firstSeenMs)
      if (live && s.firstSeenMs + this.stuckTimeoutMs > nowMs) break
      this.stuckHead++
      if (!live) continue
      s.stuckEmitted = true
      this.opts.onRecord?.(this.emit(s, 'stuck'), false)
    }
    if (this.stuckHead > 1024 && this.stuckHead * 2 > this.stuckQueue.length) {
      this.stuckQueue = this.stuckQueue.slice(this.stuckHead)
      this.stuckHead = 0
    }
    for (const [key, p] of this.pending) {
      if (p.sinceMs + PENDING_MAX_AGE_MS > nowMs) break
      this.dropPending(key, p)
      this.reject('events-for-unseen-pod')
    }
  }

  /** Emits the record of one pod now, final, and forgets it. */
  finalize(uid: string, _nowMs: number): StartupRecord | undefined {
    const s = this.pods.get(uid)
    if (!s) return undefined
    const record = this.emit(s, 'final')
    this.opts.onRecord?.(record, true)
    return record
  }

  /** End of input: every tracked pod as a record (final ones as such, others pending or failed). */
  drain(_nowMs: number): StartupRecord[] {
    const out: StartupRecord[] = []
    for (const s of [...this.pods.values()]) {
      const mode = Number.isNaN(s.finalAtMs) ? 'drain' : 'final'
      out.push(this.emit(s, mode))
      if (mode === 'drain') this.forget(s)
    }
    for (const p of this.pending.values()) this.reject('events-for-unseen-pod', p.events.length)
    this.pending.clear()
    this.pendingEvents = 0
    this.finalQueue = []
    this.finalHead = 0
    this.settleHead = 0
    this.stuckQueue = []
    this.stuckHead = 0
    return out
  }

  stats(): LifecycleStats {
    const events = this.podEvents + this.pendingEvents
    return {
      trackedPods: this.pods.size,
      emitted: this.emitted,
      rejects: { ...this.rejects },
      clockSkewClamps: this.clockSkewClamps,
      lateEventsDropped: this.lateEventsDropped,
      approxStateBytes: this.pods.size * 900 + events * 220 + this.finished.size * 80,
      warnings: [...this.warnings],
    }
  }
}

const pendingKey = (uid: string, nameKey: string): string => `${uid}|${nameKey}`

/** One lookup a record build made, to ask again later. */
interface Lookup {
  ask(): unknown
  answer: unknown
}

/** The same answer: the same value, or an object whose own fields are the same values (a fresh `{kind, name}`). */
function sameAnswer(l: Lookup): boolean {
  const now = l.ask()
  const then = l.answer
  if (now === then) return true
  if (typeof now !== 'object' || typeof then !== 'object' || now === null || then === null) return false
  const a = now as Record<string, unknown>
  const b = then as Record<string, unknown>
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  for (const k of keys) if (a[k] !== b[k]) return false
  return true
}

/** Whole input at once: observes every update in order, then drains. */
export function analyzeBatch(
  updates: Iterable<{ update: WatchUpdate; observedAtMs?: number }>,
  opts: Omit<LifecycleOptions, 'onRecord'>,
): StartupRecord[] {
  const records: StartupRecord[] = []
  const engine = new LifecycleEngine({ ...opts, onRecord: (r, final) => final && records.push(r) })
  let last = Number.NEGATIVE_INFINITY
  for (const { update, observedAtMs } of updates) {
    engine.observe(update, observedAtMs ?? Number.NaN)
    if (observedAtMs !== undefined && observedAtMs > last) last = observedAtMs
  }
  return [...records, ...engine.drain(last)]
}

/** What an early emission keeps until the end of the grace (see LifecycleEngine.settled). */
interface Settled {
  lookups: Lookup[]
  clamps: number
  record: StartupRecord
  unchanged: boolean
}

/**
 * The same JSON value: what JSON.stringify would write the same (a property holding undefined counts as absent;
 * key order does not matter, the stored columns do not depend on it).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  let defined = 0
  for (const k in x) {
    if (x[k] === undefined) continue
    defined++
    if (!sameValue(x[k], y[k])) return false
  }
  for (const k in y) if (y[k] !== undefined) defined--
  return defined === 0
}
