import { describe, expect, it } from 'vitest'
import { event, pod, schedulerEvent, T0 } from '../../test/fixtures/lifecycle/builders.ts'
import { stateOf } from '../../test/fixtures/lifecycle/state.ts'
import { chooseBoundaries, watchedOrStamp } from './boundaries.ts'
import { eventEvidence } from './evidence.ts'

const spec = { uid: 'u1', name: 'p', createdMs: T0, containers: [{ name: 'c', image: 'a' }] }

describe('watchedOrStamp', () => {
  it('takes a receipt inside the stamped second, the end of the second just after it, else the stamp', () => {
    expect(watchedOrStamp(T0 + 300, T0)).toEqual({ ms: T0 + 300, source: 'watch' })
    expect(watchedOrStamp(T0 - 5, T0)).toEqual({ ms: T0, source: 'watch' })
    expect(watchedOrStamp(T0 + 1500, T0)).toEqual({ ms: T0 + 999, source: 'condition' })
    expect(watchedOrStamp(T0 + 5000, T0)).toEqual({ ms: T0, source: 'condition' })
    expect(watchedOrStamp(Number.NaN, Number.NaN)).toBeNull()
  })
})

describe('chooseBoundaries', () => {
  it('prefers the scheduler eventTime and a watched condition; the latest container start ends the chain', () => {
    const state = stateOf(
      [
        { pod: pod(spec), atMs: T0 + 20 },
        {
          pod: pod({
            ...spec,
            node: 'n',
            conditions: { PodScheduled: T0, PodReadyToStartContainers: T0 + 1000 },
          }),
          atMs: T0 + 1200,
        },
      ],
      [
        schedulerEvent({
          pod: 'p',
          uid: 'u1',
          reason: 'Scheduled',
          message: 'Successfully assigned default/p to n',
          atMs: T0 + 412,
        }),
        event({
          pod: 'p',
          uid: 'u1',
          reason: 'Started',
          message: 'Started container c',
          atMs: T0 + 2345,
          container: 'c',
        }),
      ],
    )
    const { boundaries: b, lastStarted, regularCount } = chooseBoundaries(state, eventEvidence(state.events))
    expect(b.created).toEqual({ ms: T0 + 20, source: 'watch' })
    expect(b.scheduled).toEqual({ ms: T0 + 412, source: 'event-time' })
    expect(b.sandboxReady).toEqual({ ms: T0 + 1200, source: 'watch' })
    expect(b.initialized).toBeNull()
    expect(b.containersStarted?.ms).toBe(T0 + 2345)
    expect(lastStarted).toBe('1/c')
    expect(regularCount).toBe(1)
    expect(b.ready).toBeNull()
  })

  it('infers the sandbox from the first kubelet event when no condition says it, and ends init at the last exit', () => {
    const withInit = { ...spec, init: [{ name: 'i', image: 'b' }] }
    const state = stateOf(
      [
        {
          pod: pod({
            ...withInit,
            statuses: [{ name: 'i', init: true, startedMs: T0 + 3000, finishedMs: T0 + 4000 }],
          }),
        },
      ],
      [
        event({
          pod: 'p',
          reason: 'Pulling',
          message: 'Pulling image "b"',
          atMs: T0 + 2000,
          container: 'i',
          init: true,
        }),
      ],
    )
    const { boundaries: b } = chooseBoundaries(state, eventEvidence(state.events))
    expect(b.created).toEqual({ ms: T0, source: 'status' })
    expect(b.sandboxReady).toEqual({ ms: T0 + 2000, source: 'inferred' })
    expect(b.initialized).toEqual({ ms: T0 + 4000, source: 'status' })
    expect(b.containersStarted).toBeNull()
  })
})
