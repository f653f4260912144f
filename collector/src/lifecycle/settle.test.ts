// Early emission (settleMs): a final pod is written soon after it is final, and written again at the end of the
// grace only when late evidence changed its record.
import type { StartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { event, pod } from '../../test/fixtures/lifecycle/builders.ts'
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
})
