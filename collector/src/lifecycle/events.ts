// Kubernetes Events (core/v1 and events.k8s.io/v1) -> a compact form kept per pod: times, reason, container.
import { type ParsedKubeletMessage, parseKubeletMessage } from './messages.ts'
import { type Obj, obj, str } from './narrow.ts'
import { parseTime } from './time.ts'

/** Source codes for event times, best first (kept as small ints to keep per-pod state compact). */
export enum TimeSrc {
  None = 0,
  EventName = 1,
  EventTime = 2,
  EventTimestamp = 3,
}

/** Which part of the pod an event speaks of. */
export enum Part {
  Pod = 0,
  Regular = 1,
  Init = 2,
  Ephemeral = 3,
}

export interface EventTarget {
  uid: string | null
  namespace: string | null
  name: string | null
}

/** What is kept of one Event. */
export interface CompactEvent {
  /** Identity for idempotent updates: the UnixNano of the name (as a number), else the name. */
  key: string | number
  reason: string
  parsed: ParsedKubeletMessage
  part: Part
  container: string | null
  count: number
  firstMs: number
  firstSrc: TimeSrc
  lastMs: number
  lastSrc: TimeSrc
}

const FIELD_PATH = /^spec\.(containers|initContainers|ephemeralContainers)\{([^}]+)\}$/

/** client-go names an event `<object>.<hex UnixNano>` at its first occurrence. */
function eventNameTime(name: string | null): number {
  if (!name) return Number.NaN
  const dot = name.lastIndexOf('.')
  if (dot < 0) return Number.NaN
  const hex = name.slice(dot + 1)
  if (!/^[0-9a-f]{15,16}$/.test(hex)) return Number.NaN
  // 16 hex digits exceed 2^53; the parse loses sub-microsecond bits only.
  const ns = Number.parseInt(hex, 16)
  const ms = ns / 1e6
  // Plausible UnixNano between 2001 and 2100.
  return ms > 1e12 && ms < 4.1e12 ? ms : Number.NaN
}

export function eventTarget(ev: Obj): EventTarget {
  const ref = obj(ev.involvedObject) ?? obj(ev.regarding) ?? {}
  return {
    uid: str(ref.uid),
    namespace: str(ref.namespace) ?? str(obj(ev.metadata)?.namespace),
    name: str(ref.name),
  }
}

export function isPodEvent(ev: Obj): boolean {
  const ref = obj(ev.involvedObject) ?? obj(ev.regarding)
  return ref !== undefined && (ref.kind === undefined || ref.kind === 'Pod')
}

/** Repeated strings (reasons, container names) are shared through this. */
export interface Interner {
  get(s: string): string
  get(s: string | null): string | null
}

const CREATED: ParsedKubeletMessage = Object.freeze({ kind: 'created' })
const STARTED: ParsedKubeletMessage = Object.freeze({ kind: 'started' })

/** Image and node names captured from a message share the pool's copies instead of keeping the message alive. */
function internParsed(m: ParsedKubeletMessage, pool?: Interner): ParsedKubeletMessage {
  if (!pool) return m
  if ('image' in m && m.image !== null) m.image = pool.get(m.image)
  if (m.kind === 'scheduled' && m.node !== null) m.node = pool.get(m.node)
  return m
}

/** Compacts an Event; null when it carries no time at all. */
export function compactEvent(ev: Obj, pool?: Interner): CompactEvent | null {
  const meta = obj(ev.metadata) ?? {}
  const ref = obj(ev.involvedObject) ?? obj(ev.regarding) ?? {}
  const name = str(meta.name)
  const reason = str(ev.reason) ?? ''
  const message = (str(ev.message) ?? str(ev.note) ?? '') as string
  const series = obj(ev.series)
  const count = Math.max(1, Number(ev.count ?? ev.deprecatedCount ?? 0) || 0, Number(series?.count ?? 0) || 0)
  const eventTime = parseTime(ev.eventTime)
  const firstTs = parseTime(ev.firstTimestamp ?? ev.deprecatedFirstTimestamp)
  const lastTs = parseTime(ev.lastTimestamp ?? ev.deprecatedLastTimestamp)
  const seriesLast = parseTime(series?.lastObservedTime)
  const nameMs = eventNameTime(name)

  // eventTime (MicroTime) is set by the new events API (scheduler); else the name's UnixNano is the first
  // occurrence on the emitter's clock: trust it when it agrees with firstTimestamp (same instant truncated
  // to seconds) or when nothing else exists.
  let firstMs = Number.NaN
  let firstSrc = TimeSrc.None
  if (!Number.isNaN(eventTime)) {
    firstMs = eventTime
    firstSrc = TimeSrc.EventTime
  } else if (!Number.isNaN(nameMs) && (Number.isNaN(firstTs) || Math.abs(nameMs - firstTs) < 1000)) {
    firstMs = nameMs
    firstSrc = TimeSrc.EventName
  } else if (!Number.isNaN(firstTs)) {
    firstMs = firstTs
    firstSrc = TimeSrc.EventTimestamp
  } else {
    const created = parseTime(meta.creationTimestamp)
    if (!Number.isNaN(created)) {
      firstMs = created
      firstSrc = TimeSrc.EventTimestamp
    }
  }
  if (Number.isNaN(firstMs)) return null
  let lastMs = firstMs
  let lastSrc = firstSrc
  if (count > 1 || series) {
    if (!Number.isNaN(seriesLast)) {
      lastMs = seriesLast
      lastSrc = TimeSrc.EventTime
    } else if (!Number.isNaN(lastTs) && lastTs >= firstMs - 999) {
      lastMs = Math.max(lastTs, firstMs)
      lastSrc = TimeSrc.EventTimestamp
    }
  }

  let part = Part.Pod
  let container: string | null = null
  const fp = FIELD_PATH.exec(str(ref.fieldPath) ?? '')
  if (fp) {
    container = fp[2] as string
    part = fp[1] === 'containers' ? Part.Regular : fp[1] === 'initContainers' ? Part.Init : Part.Ephemeral
  }
  // The name's UnixNano (a number, shared nothing) identifies the event; else the name itself.
  const key: string | number = !Number.isNaN(nameMs) ? nameMs : (name ?? `${reason}@${firstMs}`)
  return {
    key,
    reason: pool ? pool.get(reason) : reason,
    parsed:
      reason === 'Created'
        ? CREATED
        : reason === 'Started'
          ? STARTED
          : internParsed(parseKubeletMessage(reason, message), pool),
    part,
    container: pool ? pool.get(container) : container,
    count,
    firstMs,
    firstSrc,
    lastMs,
    lastSrc,
  }
}
