import { describe, expect, it } from 'vitest'
import { event, schedulerEvent, T0 } from '../../test/fixtures/lifecycle/builders.ts'
import { compactEvent, Part } from './events.ts'
import { containerKey, eventEvidence } from './evidence.ts'

const compact = (...objects: Array<Record<string, unknown>>) => objects.map((o) => compactEvent(o)!)

describe('eventEvidence', () => {
  it('keeps the earliest Scheduled, the latest of each failure and the first kubelet container event', () => {
    const ev = eventEvidence(
      compact(
        schedulerEvent({
          pod: 'p',
          uid: 'u1',
          reason: 'Scheduled',
          message: 'Successfully assigned default/p to n',
          atMs: T0 + 2000,
        }),
        schedulerEvent({
          pod: 'p',
          uid: 'u1',
          reason: 'Scheduled',
          message: 'Successfully assigned default/p to n',
          atMs: T0 + 1000,
        }),
        event({ pod: 'p', reason: 'FailedCreatePodSandBox', message: 'x', atMs: T0 + 3000 }),
        event({ pod: 'p', reason: 'FailedCreatePodSandBox', message: 'x', atMs: T0 + 5000 }),
        event({ pod: 'p', reason: 'Pulling', message: 'Pulling image "a"', atMs: T0 + 7000, container: 'c' }),
        event({
          pod: 'p',
          reason: 'Pulling',
          message: 'Pulling image "i"',
          atMs: T0 + 6000,
          container: 'i',
          init: true,
        }),
      ),
    )
    expect(ev.scheduledEvent?.firstMs).toBe(T0 + 1000)
    expect(ev.sandboxFailedMs).toBe(T0 + 5000)
    expect(ev.firstKubeletMs).toBe(T0 + 6000)
    expect(ev.failedSchedulingMs).toBeNaN()
    expect(ev.restartBackoffMs).toBeNaN()
  })

  it('keeps the latest Started and Created of each container, never of ephemeral ones', () => {
    const ev = eventEvidence(
      compact(
        event({
          pod: 'p',
          reason: 'Started',
          message: 'Started container c',
          atMs: T0 + 1000,
          container: 'c',
        }),
        event({
          pod: 'p',
          reason: 'Started',
          message: 'Started container c',
          atMs: T0 + 4000,
          container: 'c',
        }),
        event({
          pod: 'p',
          reason: 'Created',
          message: 'Created container c',
          atMs: T0 + 900,
          container: 'c',
        }),
        event({
          pod: 'p',
          reason: 'Started',
          message: 'x',
          atMs: T0 + 9000,
          container: 'dbg',
          ephemeral: true,
        }),
      ),
    )
    expect(ev.startedOf.get(containerKey(Part.Regular, 'c'))?.ms).toBe(T0 + 4000)
    expect(ev.createdOf.get(containerKey(Part.Regular, 'c'))?.ms).toBe(T0 + 900)
    expect(ev.startedOf.has(containerKey(Part.Ephemeral, 'dbg'))).toBe(false)
    // Ephemeral containers say nothing about the sandbox either.
    expect(ev.firstKubeletMs).toBe(T0 + 900)
  })
})
