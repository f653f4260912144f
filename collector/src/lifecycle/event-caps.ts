// Bounds the events kept per pod without losing any container's evidence. A record reads, per container
// and kind of event (pulling, pulled, started, back-off...), only the earliest and the latest one (plus
// counts), so that is what is kept: a third event of the same kind for the same container replaces
// whichever of the three is neither earliest nor latest. A container that restarts or backs off 10,000
// times keeps two events per kind, and a 50-container pod keeps every container's pulls and starts. A cap
// on the whole pod, scaled by its container count, bounds what forged events for made-up containers hold.
import type { CompactEvent } from './events.ts'

/** Events a tracked pod keeps beyond its containers' share (pod-level events, unknown containers). */
const EVENTS_PER_POD_BASE = 64
/** Each container's share of the pod cap: two per kind of event a container has, with room to spare. */
const EVENTS_PER_CONTAINER = 32
/** Events kept for a pod not seen yet (its container count unknown): room for a 100-container pod. */
export const MAX_PENDING_EVENTS_PER_POD = 512

export const podEventCap = (containers: number): number =>
  EVENTS_PER_POD_BASE + EVENTS_PER_CONTAINER * containers

export type AddOutcome =
  /** New event kept. */
  | 'added'
  /** The same event again (same key), e.g. with a higher count: replaced in place. */
  | 'updated'
  /** An event of a kind the container had twice already: one that was neither earliest nor latest went. */
  | 'repeat-dropped'
  /** The pod is at its cap: the new event was not kept. */
  | 'cap-dropped'

/** What the record tells events of one container apart by (error events by their reason). */
function slotOf(e: CompactEvent): string {
  return e.parsed.kind === 'error' ? `error:${e.parsed.reason}` : e.parsed.kind
}

function sameSlot(a: CompactEvent, b: CompactEvent, slot: string): boolean {
  return a.part === b.part && a.container === b.container && slotOf(a) === slot
}

/** Adds (or updates) one event in holder.events, keeping the array at its exact length. */
export function addEvent(holder: { events: CompactEvent[] }, e: CompactEvent, cap: number): AddOutcome {
  const list = holder.events
  const slot = slotOf(e)
  let first = -1
  let second = -1
  for (let i = 0; i < list.length; i++) {
    const have = list[i] as CompactEvent
    if (have.key === e.key) {
      list[i] = e
      return 'updated'
    }
    if (sameSlot(have, e, slot)) {
      if (first < 0) first = i
      else if (second < 0) second = i
    }
  }
  if (second >= 0) {
    // Three of a kind: keep a pair that holds the earliest start and the latest end, with e in it if it can be.
    const a = list[first] as CompactEvent
    const b = list[second] as CompactEvent
    const earliest = Math.min(a.firstMs, b.firstMs, e.firstMs)
    const latest = Math.max(a.lastMs, b.lastMs, e.lastMs)
    const covers = (x: CompactEvent, y: CompactEvent) =>
      Math.min(x.firstMs, y.firstMs) === earliest && Math.max(x.lastMs, y.lastMs) === latest
    if (covers(a, e)) list[second] = e
    else if (covers(b, e)) list[first] = e
    return 'repeat-dropped'
  }
  if (list.length >= cap) return 'cap-dropped'
  // A copy of the exact length: push() would reserve 17 slots for a pod's first event.
  holder.events = list.concat(e)
  return 'added'
}
