// A pull whose message states no waiting has an unknown wait (null), not 0; how pullWait treats it.
import { validateStartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { event, list, pod, T0 } from '../../test/fixtures/lifecycle/builders.ts'
import { analyzeBatch, type KubeObject } from './index.ts'

const containers = ['app', 'side']

function twoContainers(messages: Record<string, string>, retries: Record<string, number> = {}): KubeObject[] {
  const objects: KubeObject[] = [
    pod({
      uid: 'u1',
      name: 'web-1',
      createdMs: T0,
      node: 'node-a',
      phase: 'Running',
      containers: containers.map((name) => ({ name, image: `${name}:1` })),
      conditions: {
        PodScheduled: T0,
        PodReadyToStartContainers: T0 + 1000,
        Initialized: T0,
        ContainersReady: T0 + 20_000,
        Ready: T0 + 20_000,
      },
    }),
  ]
  containers.forEach((c, i) => {
    const base = T0 + 1100 + i * 8000
    const ev = (reason: string, message: string, ms: number, more = {}) =>
      objects.push(event({ pod: 'web-1', uid: 'u1', reason, message, atMs: ms, container: c, ...more }))
    // A retried pull: a first Pulling, a failure, then the attempt that worked (Pulling counted twice).
    const tries = retries[c] ?? 1
    ev('Pulling', `Pulling image "${c}:1"`, base, tries > 1 ? { count: tries, lastMs: base + 3000 } : {})
    if (tries > 1) ev('Failed', `Failed to pull image "${c}:1": timeout`, base + 1000)
    ev('Pulled', messages[c] as string, base + 6000)
    ev('Started', `Started container ${c}`, base + 6100)
  })
  return objects
}

const one = (objects: KubeObject[]) => {
  const [r, ...more] = analyzeBatch(list(objects), { cluster: 'test' })
  expect(more).toEqual([])
  expect(validateStartupRecord(r).errors).toEqual([])
  return r!
}
const sum = (p: Record<string, number | null>) =>
  ['scheduling', 'sandbox', 'init', 'pullWait', 'pull', 'start', 'ready'].reduce((n, k) => n + (p[k] ?? 0), 0)

describe('pull wait', () => {
  it('kubelet <1.26 wording (`in 2.5s`, no waiting stated): the wait is null; pull, start and the total stay known', () => {
    const r = one(
      twoContainers({
        app: 'Successfully pulled image "app:1" in 2.5s',
        side: 'Successfully pulled image "side:1" in 4s',
      }),
    )
    expect(r.pulls.map((p) => [p.pullMs, p.waitMs])).toEqual([
      [2500, null],
      [4000, null],
    ])
    expect(r.phases.pullWait).toBeNull()
    expect(r.phases.pull).toBe(6500)
    // The unknown waits are inside `in Y` on these kubelets: start is the rest, and the phases add up.
    const lastStart = T0 + 1100 + 8000 + 6100
    expect(r.phases.start).toBe(lastStart - (T0 + 1000) - 6500)
    expect(sum(r.phases)).toBe(r.totalMs)
    expect(r.sloMs).toBe(lastStart - T0 - 6500)
  })

  it('one unknown wait makes the pod pullWait null rather than a partial sum', () => {
    const r = one(
      twoContainers({
        app: 'Successfully pulled image "app:1" in 2s (2.5s including waiting)',
        side: 'Successfully pulled image "side:1" in 4s',
      }),
    )
    expect(r.pulls.map((p) => p.waitMs)).toEqual([500, null])
    expect(r.phases.pullWait).toBeNull()
    expect(r.phases.pull).toBe(6000)
    expect(sum(r.phases)).toBe(r.totalMs)
  })

  it('every wait known: pullWait is their sum', () => {
    const r = one(
      twoContainers({
        app: 'Successfully pulled image "app:1" in 2s (2.5s including waiting)',
        side: 'Successfully pulled image "side:1" in 4s (4.1s including waiting)',
      }),
    )
    expect(r.phases.pullWait).toBe(600)
    expect(sum(r.phases)).toBe(r.totalMs)
  })

  it('a retried pull without the waiting wording still measures its wait from the first Pulling', () => {
    const r = one(
      twoContainers(
        {
          app: 'Successfully pulled image "app:1" in 2s',
          side: 'Successfully pulled image "side:1" in 4s (4s including waiting)',
        },
        { app: 2 },
      ),
    )
    // First Pulling at +1100, the pull that worked started at 6000 - 2000 after it.
    expect(r.pulls.map((p) => [p.attempts, p.waitMs])).toEqual([
      [2, 4000],
      [1, 0],
    ])
    expect(r.phases.pullWait).toBe(4000)
  })
})
