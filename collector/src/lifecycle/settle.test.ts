// Early emission (settleMs): a final pod is written soon after it is final, and written again at the end of the
// grace only when late evidence changed its record.
import type { StartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { event, node, pod } from '../../test/fixtures/lifecycle/builders.ts'
import { sameValue } from './engine.ts'
import { LifecycleEngine } from './index.ts'

const T0 = Date.UTC(2026, 10, 1, 10, 0, 0)
const readyPod = pod({
  uid: 'u1',
  name: 'web-1',
  createdMs: T0,
  node: 'node-a',
  phase: 'Running',
  containers: [{ name: 'app', image: 'nginx:1.25' }],
  conditions: { PodScheduled: T0 + 100, Initialized: T0 + 100, ContainersReady: T0 + 3000, Ready: T0 + 3000 },
})
const ev = (reason: string, message: string, atMs: number) =>
  event({ pod: 'web-1', uid: 'u1', reason, message, atMs, container: 'app' })

function engineWith(records: StartupRecord[]) {
  return new LifecycleEngine({
    cluster: 'c',
    settleMs: 1_000,
    graceMs: 10_000,
    onRecord: (r) => records.push(r),
  })
}

describe('settleMs', () => {
  it('emits once, early, when nothing arrives during the grace', () => {
    const records: StartupRecord[] = []
    const engine = engineWith(records)
    engine.observe({ type: 'ADDED', object: ev('Started', 'Started container app', T0 + 2500) }, T0 + 2600)
    engine.observe({ type: 'MODIFIED', object: readyPod }, T0 + 3050)
    engine.tick(T0 + 3500)
    expect(records).toHaveLength(0)
    engine.tick(T0 + 4100)
    expect(records).toHaveLength(1)
    engine.tick(T0 + 13_100)
    expect(records).toHaveLength(1)
    expect(engine.stats().trackedPods).toBe(0)
  })

  it('emits again when a late event changes the record', () => {
    const records: StartupRecord[] = []
    const engine = engineWith(records)
    engine.observe({ type: 'ADDED', object: ev('Started', 'Started container app', T0 + 2500) }, T0 + 2600)
    engine.observe({ type: 'MODIFIED', object: readyPod }, T0 + 3050)
    engine.tick(T0 + 4100)
    expect(records).toHaveLength(1)
    expect(records[0]?.pulls).toHaveLength(0)
    engine.observe(
      {
        type: 'ADDED',
        object: ev(
          'Pulled',
          'Successfully pulled image "nginx:1.25" in 1.2s (1.5s including waiting)',
          T0 + 2400,
        ),
      },
      T0 + 6000,
    )
    engine.tick(T0 + 13_100)
    expect(records).toHaveLength(2)
    expect(records[1]?.pulls[0]?.pullMs).toBe(1200)
  })

  it('does not emit again when a late update changes the state but not the record', () => {
    const records: StartupRecord[] = []
    const engine = engineWith(records)
    engine.observe({ type: 'ADDED', object: ev('Started', 'Started container app', T0 + 2500) }, T0 + 2600)
    engine.observe({ type: 'MODIFIED', object: readyPod }, T0 + 3050)
    engine.tick(T0 + 4100)
    expect(records).toHaveLength(1)
    // The same pod again and an event the record does not read: the pod is built again at the end of the
    // grace, and the record is the one already written.
    engine.observe({ type: 'MODIFIED', object: readyPod }, T0 + 5000)
    engine.observe({ type: 'ADDED', object: ev('Killing', 'Stopping container app', T0 + 5500) }, T0 + 5600)
    engine.tick(T0 + 13_100)
    expect(records).toHaveLength(1)
    expect(engine.stats().trackedPods).toBe(0)
    expect(engine.stats().emitted).toBe(1)
  })

  it('emits again when what the record looks up changes during the grace (an owner, a node runtime)', () => {
    const owned = pod({
      uid: 'u1',
      name: 'web-6d4cf56db6-abcde',
      createdMs: T0,
      node: 'node-a',
      phase: 'Running',
      owner: { kind: 'ReplicaSet', name: 'web-6d4cf56db6' },
      containers: [{ name: 'app', image: 'nginx:1.25' }],
      conditions: {
        PodScheduled: T0 + 100,
        Initialized: T0 + 100,
        ContainersReady: T0 + 3000,
        Ready: T0 + 3000,
      },
    })
    const replicaSet = (owner: string) => ({
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-6d4cf56db6',
        namespace: 'default',
        ownerReferences: [{ kind: 'Deployment', name: owner, controller: true }],
      },
    })
    const records: StartupRecord[] = []
    const engine = engineWith(records)
    engine.observe({ type: 'ADDED', object: replicaSet('web') }, T0)
    engine.observe({ type: 'ADDED', object: node('node-a', 'containerd://1.7.0') }, T0)
    engine.observe({ type: 'MODIFIED', object: owned }, T0 + 3050)
    engine.tick(T0 + 4100)
    expect(records.map((r) => [r.workload?.kind, r.workload?.name, r.runtime])).toEqual([
      ['Deployment', 'web', 'containerd'],
    ])
    // The same answers again (a node status update, the owner re-listed): nothing more is written.
    engine.observe({ type: 'MODIFIED', object: node('node-a', 'containerd://1.7.0') }, T0 + 5000)
    engine.observe({ type: 'MODIFIED', object: replicaSet('web') }, T0 + 5000)
    engine.tick(T0 + 13_100)
    expect(records).toHaveLength(1)

    // A second pod whose owner changes during its grace is written again with the new owner.
    const later: StartupRecord[] = []
    const engine2 = engineWith(later)
    engine2.observe({ type: 'ADDED', object: replicaSet('web') }, T0)
    engine2.observe({ type: 'MODIFIED', object: owned }, T0 + 3050)
    engine2.tick(T0 + 4100)
    engine2.observe({ type: 'MODIFIED', object: replicaSet('web-v2') }, T0 + 5000)
    engine2.tick(T0 + 13_100)
    expect(later.map((r) => r.workload?.name)).toEqual(['web', 'web-v2'])
    expect(engine2.stats().trackedPods).toBe(0)
  })
})

describe('sameValue (a record emitted early against the one built at the end of the grace)', () => {
  it('is true for values JSON writes the same, and false for any difference', () => {
    expect(sameValue({ a: 1, b: [1, { c: null }], u: undefined }, { b: [1, { c: null }], a: 1 })).toBe(true)
    expect(sameValue({ a: 'x' }, { a: 'x', b: undefined })).toBe(true)
    expect(sameValue([], [])).toBe(true)
    for (const [a, b] of [
      [{ a: 1 }, { a: 2 }],
      [{ a: 1 }, { a: 1, b: null }],
      [{ a: null }, {}],
      [{ a: [1, 2] }, { a: [2, 1] }],
      [{ a: [1] }, { a: [1, 1] }],
      [{ a: {} }, { a: [] }],
      [{ a: '1' }, { a: 1 }],
      [{ a: 0 }, { a: false }],
      [{ a: { b: { c: 'x' } } }, { a: { b: { c: 'y' } } }],
      [null, {}],
    ] as const)
      expect(sameValue(a, b), JSON.stringify([a, b])).toBe(false)
  })
})
