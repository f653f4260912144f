import { describe, expect, it } from 'vitest'
import { event, pod, T0 } from '../../test/fixtures/lifecycle/builders.ts'
import { stateOf } from '../../test/fixtures/lifecycle/state.ts'
import { podPulls } from './pod-pulls.ts'
import { pullEvidence, pullOf } from './pulls.ts'

const rates = {
  downloadBytesPerSec: 80e6,
  inflateBytesPerSec: 250e6,
  extractBytesPerSec: 50e6,
  compressionRatio: 2.4,
}
const spec = {
  uid: 'u1',
  name: 'p',
  createdMs: T0,
  containers: [
    { name: 'a', image: 'img-a' },
    { name: 'b', image: 'img-b' },
  ],
  init: [{ name: 'i', image: 'img-i' }],
}
const pulled = (container: string, atMs: number, message: string, init = false) =>
  event({ pod: 'p', reason: 'Pulled', message, atMs, container, init })

describe('pullEvidence and pullOf', () => {
  it('reads a retried pull: attempts, the wait from the first Pulling to the successful start', () => {
    const state = stateOf(
      [{ pod: pod(spec) }],
      [
        event({
          pod: 'p',
          reason: 'Pulling',
          message: 'Pulling image "img-a"',
          atMs: T0 + 1000,
          container: 'a',
        }),
        event({
          pod: 'p',
          reason: 'Failed',
          message: 'Error: ErrImagePull',
          atMs: T0 + 1500,
          container: 'a',
        }),
        event({
          pod: 'p',
          reason: 'Pulling',
          message: 'Pulling image "img-a"',
          atMs: T0 + 4000,
          container: 'a',
        }),
        pulled('a', T0 + 6000, 'Successfully pulled image "img-a" in 1.5s (1.6s including waiting)'),
      ],
    )
    const ev = pullEvidence('a', false, state.events)
    expect(ev).toMatchObject({ pullingCount: 2, pullingFirst: T0 + 1000, failureReason: 'ErrImagePull' })
    expect(pullEvidence('b', false, state.events)).toBeUndefined()
    const facts = pullOf('a', false, 'img-a', state.events, 'compressed', null)!
    expect(facts.record).toMatchObject({ pullMs: 1500, attempts: 2, outcome: 'ok' })
    // First Pulling at +1000, the successful pull began at +6000 - 1500.
    expect(facts.record.waitMs).toBe(3500)
  })
})

describe('podPulls', () => {
  it('sums the regular containers, lists init pulls apart, and splits each pull', () => {
    const state = stateOf(
      [{ pod: pod(spec) }],
      [
        pulled('i', T0 + 500, 'Container image "img-i" already present on machine', true),
        pulled(
          'a',
          T0 + 3000,
          'Successfully pulled image "img-a" in 2s (2.5s including waiting). Image size: 50000000 bytes.',
        ),
        pulled(
          'b',
          T0 + 4000,
          'Container image "img-b" already present on machine and can be accessed by the pod',
        ),
      ],
    )
    const p = podPulls(state.containers, state.events, 'compressed', {
      rates,
      imageProfile: undefined,
      none: false,
    })
    expect(p.pulls.map((x) => [x.container, x.init, x.cached])).toEqual([
      ['i', true, true],
      ['a', false, false],
      ['b', false, true],
    ])
    expect(p).toMatchObject({
      regularKnown: true,
      waitsKnown: true,
      pullSum: 2000,
      waitSum: 500,
      splitKnown: true,
    })
    expect(p.downloadSum + p.decompressSum).toBe(2000)
    expect(p.pulls[1]?.splitMethod).toBe('size-model')
  })

  it('is unknown when a regular container has no pull evidence, and unsplit without lookups', () => {
    const state = stateOf(
      [{ pod: pod(spec) }],
      [pulled('a', T0 + 3000, 'Successfully pulled image "img-a" in 2s')],
    )
    const p = podPulls(state.containers, state.events, null, {
      rates: undefined,
      imageProfile: undefined,
      none: true,
    })
    expect(p.regularKnown).toBe(false)
    expect(p.splitKnown).toBe(false)
    expect(p.pulls[0]?.downloadMs).toBeNull()
  })

  it('reports the latest failure of a pull that never succeeded', () => {
    const state = stateOf(
      [{ pod: pod(spec) }],
      [
        event({
          pod: 'p',
          reason: 'BackOff',
          message: 'Back-off pulling image "img-b"',
          atMs: T0 + 9000,
          container: 'b',
        }),
      ],
    )
    const p = podPulls(state.containers, state.events, null, { rates, imageProfile: undefined, none: false })
    expect(p.failure).toBe('ImagePullBackOff')
    expect(p.pulls[0]).toMatchObject({ container: 'b', outcome: 'backoff' })
  })
})
