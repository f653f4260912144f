// Step 2 of a record: each boundary from its best source (DESIGN.md section 3, Precision): watch receipts
// bounded by whole-second stamps, scheduler eventTime, kubelet event names, container statuses.

import { Part } from './events.ts'
import { containerKey, type EventEvidence } from './evidence.ts'
import type { PodState } from './pod-state.ts'
import { eventPoint, type Point } from './point.ts'

/** The chain of boundaries (finished aside), in the order a startup passes them. */
export interface Boundaries {
  created: Point
  scheduled: Point | null
  sandboxReady: Point | null
  initialized: Point | null
  containersStarted: Point | null
  ready: Point | null
  /** When the last regular container finished (Succeeded / Failed pods only). */
  finished: Point | null
}

export interface ChosenBoundaries {
  boundaries: Boundaries
  /** containerKey of the container whose Started event is containersStarted, so its timeline shows it clamped. */
  lastStarted: string | null
  regularCount: number
}

/**
 * Receipt time of a watched transition, bounded below by the whole-second stamp. The truth lies in
 * [stamp, stamp + 1 s): a receipt inside that second is the transition seen live (error = delivery lag);
 * a receipt less than a second after it most likely saw a transition late in that second, so the end of
 * the second is the better estimate (still whole-second precision: source 'condition'); anything later
 * was not seen live and the stamp is used.
 */
export function watchedOrStamp(watchMs: number, condMs: number): Point | null {
  if (!Number.isNaN(watchMs)) {
    if (Number.isNaN(condMs)) return { ms: watchMs, source: 'watch' }
    if (watchMs < condMs) return { ms: condMs, source: 'watch' }
    if (watchMs < condMs + 1000) return { ms: watchMs, source: 'watch' }
    if (watchMs < condMs + 2000) return { ms: condMs + 999, source: 'condition' }
  }
  return Number.isNaN(condMs) ? null : { ms: condMs, source: 'condition' }
}

function createdPoint(state: PodState): Point {
  const seen = watchedOrStamp(state.createdWatchMs, state.createdMs)
  return seen?.source === 'watch' ? seen : { ms: seen?.ms ?? state.createdMs, source: 'status' }
}

/** Scheduler eventTime (microseconds) first, then the watched nodeName, the condition, a whole-second event. */
function scheduledPoint(state: PodState, ev: EventEvidence): Point | null {
  const schedEv = ev.scheduledEvent ? eventPoint(ev.scheduledEvent, false) : null
  if (schedEv && schedEv.source !== 'event-timestamp') return schedEv
  if (!Number.isNaN(state.scheduledWatchMs))
    return (
      watchedOrStamp(state.scheduledWatchMs, state.scheduled.condMs) ?? {
        ms: state.scheduledWatchMs,
        source: 'watch',
      }
    )
  if (!Number.isNaN(state.scheduled.condMs)) return { ms: state.scheduled.condMs, source: 'condition' }
  return schedEv
}

/** Without the sandbox condition (before 1.29), the first kubelet container event stands in for it. */
function sandboxPoint(state: PodState, ev: EventEvidence): Point | null {
  if (state.sandboxConditionSeen) return watchedOrStamp(state.sandbox.watchMs, state.sandbox.condMs)
  return Number.isNaN(ev.firstKubeletMs) ? null : { ms: ev.firstKubeletMs, source: 'inferred' }
}

/** The Initialized condition, else the last init container's exit (a sidecar's start); null without init containers. */
function initializedPoint(state: PodState): Point | null {
  if (!state.hasInitContainers) return null
  const seen = watchedOrStamp(state.initialized.watchMs, state.initialized.condMs)
  if (seen) return seen
  let at = Number.NaN
  for (const c of state.containers) {
    if (!c.init) continue
    const t = c.sidecar ? c.startedMs : c.finishedMs
    if (Number.isNaN(t)) return null
    at = Number.isNaN(at) ? t : Math.max(at, t)
  }
  return Number.isNaN(at) ? null : { ms: at, source: 'status' }
}

/** The latest start of every regular container; the ContainersReady condition when one start is unknown. */
function containersStartedPoint(
  state: PodState,
  ev: EventEvidence,
): { point: Point | null; lastStarted: string | null; regularCount: number } {
  let point: Point | null = null
  let lastStarted: string | null = null
  let allStarted = true
  let regularCount = 0
  for (const c of state.containers) {
    if (c.init) continue
    regularCount++
    const key = containerKey(Part.Regular, c.name)
    const fromEvent = ev.startedOf.get(key)
    const p = fromEvent ?? (Number.isNaN(c.startedMs) ? null : { ms: c.startedMs, source: 'status' as const })
    if (!p) {
      allStarted = false
      continue
    }
    if (!point || p.ms > point.ms) {
      point = p
      lastStarted = fromEvent ? key : null
    }
  }
  if (!allStarted || regularCount === 0) {
    lastStarted = null
    point = Number.isNaN(state.containersReady.watchMs)
      ? null
      : watchedOrStamp(state.containersReady.watchMs, state.containersReady.condMs)
  }
  return { point, lastStarted, regularCount }
}

function finishedPoint(state: PodState): Point | null {
  if (state.phase !== 'Succeeded' && state.phase !== 'Failed') return null
  let at = Number.NaN
  for (const c of state.containers)
    if (!c.init && !Number.isNaN(c.finishedMs))
      at = Number.isNaN(at) ? c.finishedMs : Math.max(at, c.finishedMs)
  return Number.isNaN(at) ? null : { ms: at, source: 'status' }
}

export function chooseBoundaries(state: PodState, ev: EventEvidence): ChosenBoundaries {
  const started = containersStartedPoint(state, ev)
  return {
    boundaries: {
      created: createdPoint(state),
      scheduled: scheduledPoint(state, ev),
      sandboxReady: sandboxPoint(state, ev),
      initialized: initializedPoint(state),
      containersStarted: started.point,
      ready: watchedOrStamp(state.ready.watchMs, state.ready.condMs),
      finished: finishedPoint(state),
    },
    lastStarted: started.lastStarted,
    regularCount: started.regularCount,
  }
}
