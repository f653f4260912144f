// Step 6 of a record: how the startup ended (DESIGN.md section 3: ready, completed, failed, pending, deleted)
// and the failure still current, if any.
import type { Outcome } from '@podstart/schema/record'
import type { Boundaries } from './boundaries.ts'
import type { EventEvidence } from './evidence.ts'
import type { PodState } from './pod-state.ts'
import type { Point } from './point.ts'

export type RecordMode = 'final' | 'stuck' | 'drain'

/**
 * A failure that is still current (no later progress), e.g. ImagePullBackOff: a waiting reason in the status or
 * a pull that never succeeded first, then what the events say, each only while nothing later undid it.
 */
export function currentFailureOf(
  state: PodState,
  ev: EventEvidence,
  b: Boundaries,
  pullFailure: string | null,
): string | null {
  const failure = state.statusFailure ?? pullFailure
  if (failure) return failure
  const started = b.containersStarted
  if (state.unschedulable || (!Number.isNaN(ev.failedSchedulingMs) && !b.scheduled && state.node === null))
    return 'Unschedulable'
  if (
    !Number.isNaN(ev.sandboxFailedMs) &&
    !(state.sandbox.condMs >= ev.sandboxFailedMs - 1000) &&
    !(started && started.ms > ev.sandboxFailedMs)
  )
    return 'FailedCreatePodSandBox'
  if (!Number.isNaN(ev.restartBackoffMs) && !b.ready) return 'CrashLoopBackOff'
  if (!Number.isNaN(ev.configErrorMs) && !(started && started.ms > ev.configErrorMs))
    return 'CreateContainerConfigError'
  return null
}

export function outcomeOf(
  state: PodState,
  b: Boundaries,
  currentFailure: string | null,
  mode: RecordMode,
): { outcome: Outcome; outcomeReason: string | null } {
  if (b.ready) return { outcome: 'ready', outcomeReason: null }
  if (state.phase === 'Succeeded' && readyBeforeCompletion(state, b.containersStarted))
    // Ready turned False after the containers' start second: the pod was Ready once, while we were not watching
    // (a relist after a gap). When is unknown, so readyAt and totalMs stay null.
    return { outcome: 'ready', outcomeReason: 'ReadyTimeUnknown' }
  if (state.phase === 'Succeeded') return { outcome: 'completed', outcomeReason: null }
  if (state.phase === 'Failed')
    return {
      outcome: 'failed',
      outcomeReason:
        state.phaseReason ??
        state.containers.find((c) => c.terminatedReason && c.terminatedReason !== 'Completed')
          ?.terminatedReason ??
        'Failed',
    }
  if (!Number.isNaN(state.deletedMs)) return { outcome: 'deleted', outcomeReason: currentFailure }
  if (currentFailure && mode !== 'final') return { outcome: 'failed', outcomeReason: currentFailure }
  return { outcome: 'pending', outcomeReason: mode === 'stuck' ? 'StuckTimeout' : null }
}

/**
 * The kubelet keeps a condition's lastTransitionTime while its status does not change: a Ready=False whose
 * transition is later than the second all containers started in can only be a True -> False transition.
 */
function readyBeforeCompletion(state: PodState, containersStarted: Point | null): boolean {
  if (Number.isNaN(state.readyFalseMs) || !containersStarted) return false
  return state.readyFalseMs >= Math.floor(containersStarted.ms / 1000) * 1000 + 1000
}
