import { describe, expect, it } from 'vitest'
import { event, pod, T0 } from '../../test/fixtures/lifecycle/builders.ts'
import { stateOf } from '../../test/fixtures/lifecycle/state.ts'
import type { Boundaries } from './boundaries.ts'
import { eventEvidence } from './evidence.ts'
import { currentFailureOf, outcomeOf } from './outcome.ts'

const spec = { uid: 'u1', name: 'p', createdMs: T0, node: 'n', containers: [{ name: 'c', image: 'a' }] }
const none: Boundaries = {
  created: { ms: T0, source: 'status' },
  scheduled: { ms: T0 + 100, source: 'watch' },
  sandboxReady: null,
  initialized: null,
  containersStarted: null,
  ready: null,
  finished: null,
}

describe('currentFailureOf', () => {
  it('a sandbox failure is current until a container starts after it', () => {
    const state = stateOf(
      [{ pod: pod(spec) }],
      [event({ pod: 'p', reason: 'FailedCreatePodSandBox', message: 'x', atMs: T0 + 2000 })],
    )
    const ev = eventEvidence(state.events)
    expect(currentFailureOf(state, ev, none, null)).toBe('FailedCreatePodSandBox')
    const started = { ...none, containersStarted: { ms: T0 + 3000, source: 'watch' as const } }
    expect(currentFailureOf(state, ev, started, null)).toBeNull()
    expect(currentFailureOf(state, ev, none, 'ErrImagePull')).toBe('ErrImagePull')
  })
})

describe('outcomeOf', () => {
  it('ready when Ready; failed only when a failure is current and the input is not final; else pending', () => {
    const state = stateOf([{ pod: pod(spec) }])
    const ready = { ...none, ready: { ms: T0 + 5000, source: 'watch' as const } }
    expect(outcomeOf(state, ready, null, 'final')).toEqual({ outcome: 'ready', outcomeReason: null })
    expect(outcomeOf(state, none, 'ImagePullBackOff', 'drain')).toEqual({
      outcome: 'failed',
      outcomeReason: 'ImagePullBackOff',
    })
    expect(outcomeOf(state, none, 'ImagePullBackOff', 'final').outcome).toBe('pending')
    expect(outcomeOf(state, none, null, 'stuck')).toEqual({
      outcome: 'pending',
      outcomeReason: 'StuckTimeout',
    })
  })

  it('completed without Ready; failed with the pod phase reason', () => {
    expect(
      outcomeOf(stateOf([{ pod: pod({ ...spec, phase: 'Succeeded' }) }]), none, null, 'final').outcome,
    ).toBe('completed')
    expect(outcomeOf(stateOf([{ pod: pod({ ...spec, phase: 'Failed' }) }]), none, null, 'final')).toEqual({
      outcome: 'failed',
      outcomeReason: 'Failed',
    })
  })
})
