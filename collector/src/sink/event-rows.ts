// Raw pod events -> pod_events rows (core/v1 Event and events.k8s.io/v1 shapes), kept for audit and
// re-processing, times in the row schema's DateTime64 text. Returns null for an object that is not a usable pod
// event.
import { msToCh } from '@podstart/schema/rows'
import type { KubeObject } from '../lifecycle/kube-object.ts'

export interface PodEventRow {
  cluster: string
  namespace: string
  uid: string
  pod: string
  event_name: string
  reason: string
  message: string
  type: string
  source_component: string
  field_path: string
  count: number
  first_at: string | null
  last_at: string | null
  event_time: string | null
  created_at: string
  observed_at: string
  version: number
}

type Ref = { kind?: string; name?: string; namespace?: string; uid?: string; fieldPath?: string }

/** DateTime64(3)'s range: a time outside it (forged, or a zero time from a broken client) is unknown. */
const MIN_MS = Date.UTC(1900, 0, 1)
const MAX_MS = Date.UTC(2300, 0, 1) - 1

/** Texts converted lately: the events of a burst share their second-resolution stamps. */
const converted = new Map<string, string | null>()
const MAX_CONVERTED = 4096

function iso(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null
  const known = converted.get(value)
  if (known !== undefined) return known
  const ms = Date.parse(value)
  const text = ms >= MIN_MS && ms <= MAX_MS ? msToCh(ms) : null
  if (converted.size >= MAX_CONVERTED) converted.clear()
  converted.set(value, text)
  return text
}

/** Messages are kept for audit, not as a store for whatever an event carries: 64 KiB is any kubelet message. */
const MAX_TEXT = 65_536

function str(value: unknown): string {
  return typeof value === 'string' ? (value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value) : ''
}

let lastObservedMs = Number.NaN
let lastObserved = ''

export function eventRow(cluster: string, event: KubeObject, observedAtMs: number): PodEventRow | null {
  const e = event as Record<string, unknown>
  const ref = (e.involvedObject ?? e.regarding ?? {}) as Ref
  const meta = event.metadata ?? {}
  const name = str(meta.name)
  const pod = str(ref.name)
  const namespace = str(ref.namespace) || str(meta.namespace)
  if (!name || !pod || !namespace) return null
  if (ref.kind && ref.kind !== 'Pod') return null
  // The receipt time is the row's version (UInt64) and observed_at: a forged observedAt in a dump cannot be one.
  if (!(observedAtMs >= 0 && observedAtMs <= MAX_MS)) return null
  const source = (e.source ?? {}) as { component?: string }
  const series = (e.series ?? {}) as { count?: number; lastObservedTime?: string }
  const raw = typeof e.count === 'number' ? e.count : typeof series.count === 'number' ? series.count : 1
  const count = Number.isFinite(raw) ? Math.trunc(raw) : 1
  // One receipt time covers every object of a chunk: format it once.
  if (observedAtMs !== lastObservedMs) {
    lastObservedMs = observedAtMs
    lastObserved = msToCh(observedAtMs)
  }
  const observed = lastObserved
  return {
    cluster,
    namespace,
    uid: str(ref.uid),
    pod,
    event_name: name,
    reason: str(e.reason),
    message: str(e.message ?? e.note),
    type: str(e.type),
    source_component: str(source.component) || str(e.reportingComponent) || str(e.reportingController),
    field_path: str(ref.fieldPath),
    count: Math.max(1, Math.min(count, 4_294_967_295)),
    first_at: iso(e.firstTimestamp ?? e.deprecatedFirstTimestamp),
    last_at: iso(e.lastTimestamp ?? e.deprecatedLastTimestamp ?? series.lastObservedTime),
    event_time: iso(e.eventTime),
    created_at: iso(meta.creationTimestamp) ?? iso(e.eventTime) ?? iso(e.firstTimestamp) ?? observed,
    observed_at: observed,
    version: observedAtMs,
  }
}
