// One metadata.uid under three namespace/name pairs (forged or merged input): the first pod is kept.
import { describe, expect, it } from 'vitest'
import { event, list, pod, T0 } from '../../test/fixtures/lifecycle/builders.ts'
import { type KubeObject, LifecycleEngine } from './index.ts'

const UID = 'same-uid'

function startup(namespace: string, name: string, createdMs: number, readyMs: number): KubeObject[] {
  const p = pod({
    uid: UID,
    name,
    namespace,
    createdMs,
    node: 'node-a',
    phase: 'Running',
    containers: [{ name: 'app', image: `img-${namespace}:1` }],
    conditions: {
      PodScheduled: createdMs,
      PodReadyToStartContainers: createdMs + 1000,
      Initialized: createdMs,
      ContainersReady: readyMs,
      Ready: readyMs,
    },
  })
  const ev = (reason: string, message: string, ms: number) =>
    event({ pod: name, uid: UID, namespace, reason, message, atMs: ms, container: 'app' })
  return [
    p,
    ev('Pulling', `Pulling image "img-${namespace}:1"`, createdMs + 1100),
    ev(
      'Pulled',
      `Successfully pulled image "img-${namespace}:1" in 1s (1.2s including waiting)`,
      createdMs + 2300,
    ),
    ev('Started', 'Started container app', createdMs + 2400),
  ]
}

describe('one UID, three pods', () => {
  it('keeps the first pod, counts each other update and event as a conflict, and warns naming both', () => {
    const warnings: string[] = []
    const engine = new LifecycleEngine({ cluster: 'test', onWarning: (m) => warnings.push(m) })
    const a = startup('team-a', 'web', T0, T0 + 3000)
    // Created a day later and Ready an hour after that: merged into the first, the total would be bogus.
    const b = startup('team-b', 'api', T0 + 86_400_000, T0 + 90_000_000)
    const c = startup('team-c', 'job', T0 - 3_600_000, T0 - 3_000_000)
    // Interleaved, the conflicting events arriving after the first pod is tracked.
    for (const { update } of list([a[0]!, b[0]!, c[0]!, ...b.slice(1), ...a.slice(1), ...c.slice(1)]))
      engine.observe(update)
    const records = engine.drain(T0 + 100_000_000)
    expect(records).toHaveLength(1)
    const r = records[0]!
    expect([r.namespace, r.pod, r.uid]).toEqual(['team-a', 'web', UID])
    expect(r.totalMs).toBe(3000)
    expect(r.pulls.map((p) => [p.image, p.pullMs, p.waitMs])).toEqual([['img-team-a:1', 1000, 200]])
    expect(r.boundaries.containersStarted?.at).toBe(new Date(T0 + 2400).toISOString())
    const stats = engine.stats()
    // Two pod updates and six events.
    expect(stats.rejects).toEqual({ 'uid-conflict': 8 })
    expect(warnings).toEqual([
      `uid ${UID} is pod team-a/web but a pod update names it team-b/api: kept team-a/web, ignored team-b/api`,
      `uid ${UID} is pod team-a/web but a pod update names it team-c/job: kept team-a/web, ignored team-c/job`,
    ])
    expect(stats.warnings).toEqual(warnings)
  })

  it('events of another pod with the uid, seen before any pod, never join the first pod', () => {
    const engine = new LifecycleEngine({ cluster: 'test' })
    const a = startup('team-a', 'web', T0, T0 + 3000)
    const b = startup('team-b', 'api', T0 + 86_400_000, T0 + 90_000_000)
    for (const { update } of list([...b.slice(1), ...a.slice(1), a[0]!, b[0]!])) engine.observe(update)
    const [r, ...more] = engine.drain(T0 + 100_000_000)
    expect(more).toEqual([])
    expect(r?.pulls.map((p) => p.image)).toEqual(['img-team-a:1'])
    expect(r?.totalMs).toBe(3000)
    // The pod update is a conflict; its three events waited for a pod that never came.
    expect(engine.stats().rejects).toEqual({ 'uid-conflict': 1, 'events-for-unseen-pod': 3 })
    expect(engine.stats().warnings).toHaveLength(1)
  })

  it('the same name in three namespaces: the other pods and their events are conflicts too', () => {
    const engine = new LifecycleEngine({ cluster: 'test' })
    const a = startup('team-a', 'web', T0, T0 + 3000)
    const b = startup('team-b', 'web', T0 + 86_400_000, T0 + 90_000_000)
    const c = startup('team-c', 'web', T0 - 3_600_000, T0 - 3_000_000)
    for (const { update } of list([a[0]!, b[0]!, c[0]!, ...a.slice(1), ...b.slice(1), ...c.slice(1)]))
      engine.observe(update)
    const [r, ...more] = engine.drain(T0 + 100_000_000)
    expect(more).toEqual([])
    expect([r?.namespace, r?.totalMs, r?.pulls.map((p) => p.image)]).toEqual([
      'team-a',
      3000,
      ['img-team-a:1'],
    ])
    expect(engine.stats().rejects).toEqual({ 'uid-conflict': 8 })
  })

  it('events that only name another namespace, with no pod there, join by uid (captures rewritten upstream)', () => {
    const engine = new LifecycleEngine({ cluster: 'test' })
    const a = startup('team-a', 'web', T0, T0 + 3000)
    const rewritten = startup('anonymised', 'web', T0, T0 + 3000).slice(1)
    for (const { update } of list([a[0]!, ...rewritten])) engine.observe(update)
    const [r] = engine.drain(T0 + 10_000)
    expect(r?.pulls.map((p) => [p.pullMs, p.waitMs])).toEqual([[1000, 200]])
    expect(engine.stats().rejects).toEqual({})
    expect(engine.stats().warnings).toEqual([
      `events for uid ${UID} name anonymised/web, the pod is team-a/web: joined by uid`,
    ])
  })
})
