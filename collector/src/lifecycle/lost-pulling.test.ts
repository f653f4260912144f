// A lost Pulling event on a node without PodReadyToStartContainers (before 1.29): the Pulled message's
// `(X including waiting)` places the pull request, so the wait stays in pullWait instead of moving into sandbox.
import { describe, expect, it } from 'vitest'
import { event, list, pod, schedulerEvent, T0 } from '../../test/fixtures/lifecycle/builders.ts'
import { analyzeBatch } from './index.ts'

const ev = (reason: string, message: string, atMs: number) =>
  event({ pod: 'gpu-1', uid: 'u1', reason, message, atMs, container: 'app' })

describe('a lost Pulling event', () => {
  it('places the pull request from the Pulled message: sandbox 4.1 s, pullWait 61.3 s (truth), not 65.6 s / 36 ms', () => {
    const objects = [
      pod({
        uid: 'u1',
        name: 'gpu-1',
        createdMs: T0,
        node: 'node-a',
        phase: 'Running',
        containers: [{ name: 'app', image: 'trainer:1' }],
        // No PodReadyToStartContainers: a 1.28 kubelet; the sandbox is inferred from the first kubelet event.
        conditions: {
          PodScheduled: T0 + 100,
          Initialized: T0 + 100,
          ContainersReady: T0 + 66_000,
          Ready: T0 + 66_000,
        },
      }),
      schedulerEvent({
        pod: 'gpu-1',
        uid: 'u1',
        reason: 'Scheduled',
        message: 'Successfully assigned default/gpu-1 to node-a',
        atMs: T0 + 100,
      }),
      // Pulling at T0 + 4200 was dropped by the kubelet's event rate limit; the pull request was then.
      ev(
        'Pulled',
        'Successfully pulled image "trainer:1" in 200ms (1m1.493s including waiting)',
        T0 + 65_693,
      ),
      ev('Created', 'Created container app', T0 + 65_750),
      ev('Started', 'Started container app', T0 + 65_800),
    ]
    const [r] = analyzeBatch(list(objects), { cluster: 'test' })
    expect(r?.boundaries.sandboxReady).toMatchObject({
      source: 'inferred',
      at: new Date(T0 + 4200).toISOString(),
    })
    // sandbox 4200 - 100; pullWait 61493 - 200; pull 200; start 65800 - 65693.
    expect(r?.phases).toMatchObject({
      scheduling: 100,
      sandbox: 4100,
      init: 0,
      pullWait: 61_293,
      pull: 200,
      start: 107,
    })
  })

  it('an unbelievable wait (a day or more) places nothing', () => {
    const objects = [
      pod({
        uid: 'u1',
        name: 'gpu-1',
        createdMs: T0,
        node: 'node-a',
        phase: 'Running',
        containers: [{ name: 'app', image: 'trainer:1' }],
        conditions: { PodScheduled: T0 + 100, Ready: T0 + 66_000, ContainersReady: T0 + 66_000 },
      }),
      ev('Pulled', 'Successfully pulled image "trainer:1" in 200ms (30h0m0s including waiting)', T0 + 65_693),
      ev('Started', 'Started container app', T0 + 65_800),
    ]
    const [r] = analyzeBatch(list(objects), { cluster: 'test' })
    expect(r?.boundaries.sandboxReady?.at).toBe(new Date(T0 + 65_693).toISOString())
  })
})
