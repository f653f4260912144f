// Step 7 of a record: what the official pod startup SLI and the peers' views need beyond the phases: each
// condition's own first-True time, the watch receipt times, and the SLI's cut of the pod (docs/slo.md).
import type { Phases, PodConditionTimes, SliCut, WatchObserved } from '@podstart/schema/record'
import { msToIso } from '@podstart/schema/rows'
import type { Boundaries } from './boundaries.ts'
import type { EventEvidence } from './evidence.ts'
import type { ConditionState, PodState } from './pod-state.ts'

const isoOrNull = (ms: number): string | null => (Number.isNaN(ms) ? null : msToIso(Math.round(ms)))

const condTime = (c: ConditionState): string | null => isoOrNull(c.condMs)

/** lastTransitionTime of each condition's first True, as stored by the API server (whole seconds). */
export function conditionTimesOf(state: PodState): PodConditionTimes {
  return {
    PodScheduled: condTime(state.scheduled),
    PodReadyToStartContainers: condTime(state.sandbox),
    Initialized: condTime(state.initialized),
    ContainersReady: condTime(state.containersReady),
    Ready: condTime(state.ready),
  }
}

/** Receipt times of the first watch updates showing the pod bound, Running, every container started, Ready; null when not seen live. */
export function watchObservedOf(state: PodState): WatchObserved {
  return {
    scheduled: isoOrNull(state.scheduledWatchMs),
    running: isoOrNull(state.runningWatchMs),
    allStarted: isoOrNull(state.allStartedWatchMs),
    ready: isoOrNull(state.ready.watchMs),
  }
}

/**
 * The SLI (sig-scalability slos/pod_startup_latency.md): created -> every regular container started as observed
 * via watch, minus image pulls (pullWait + pull of the regular containers) and init (which holds the init
 * containers' pulls), for stateless (only emptyDir, configMap, secret, downwardAPI, projected volumes) and
 * schedulable pods. The first reason that applies
 * excludes a pod, in the order of SliExclusion.
 */
export function sliCutOf(state: PodState, ev: EventEvidence, b: Boundaries, phases: Phases): SliCut {
  if (state.statefulVolume) return { ms: null, excluded: 'stateful' }
  if (state.everUnschedulable || !Number.isNaN(ev.failedSchedulingMs))
    return { ms: null, excluded: 'unschedulable' }
  if (!state.allStartedSeen) return { ms: null, excluded: 'not-started' }
  if (Number.isNaN(state.allStartedWatchMs)) return { ms: null, excluded: 'unobserved' }
  if (phases.pull === null || phases.init === null) return { ms: null, excluded: 'unknown-pulls' }
  const span = state.allStartedWatchMs - b.created.ms
  const ms = Math.max(0, Math.round(span - (phases.pullWait ?? 0) - phases.pull - phases.init))
  return { ms, excluded: null }
}
