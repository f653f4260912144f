// A Job pod first seen after it completed: whether it was Ready once is read from the Ready condition's
// lastTransitionTime (kept by the kubelet while the status does not change).
import { describe, expect, it } from 'vitest'
import { pod } from '../../test/fixtures/lifecycle/builders.ts'
import { analyzeBatch } from './index.ts'

const T0 = Date.UTC(2026, 10, 1, 10, 0, 0)

function completedJobPod(readyFalseAtMs: number) {
  const p = pod({
    uid: 'job-1',
    name: 'etl-abcde-xyz12',
    createdMs: T0,
    node: 'node-a',
    phase: 'Succeeded',
    owner: { kind: 'Job', name: 'etl-abcde' },
    containers: [{ name: 'main', image: 'etl:1' }],
    conditions: { PodScheduled: T0, Initialized: T0 + 1000 },
    statuses: [{ name: 'main', startedMs: T0 + 2000, finishedMs: T0 + 9000 }],
  }) as { status: { conditions: unknown[] } }
  p.status.conditions.push({
    type: 'Ready',
    status: 'False',
    reason: 'PodCompleted',
    lastTransitionTime: new Date(readyFalseAtMs).toISOString().replace('.000', ''),
  })
  return p
}

describe('Ready seen only through a gap', () => {
  it('counts a completed pod whose Ready turned False after its start as ready, with the time unknown', () => {
    const [r] = analyzeBatch([{ update: { type: 'LIST', object: completedJobPod(T0 + 9000) } }], {
      cluster: 'c',
    })
    expect(r?.outcome).toBe('ready')
    expect(r?.outcomeReason).toBe('ReadyTimeUnknown')
    expect(r?.readyAt).toBeNull()
    expect(r?.totalMs).toBeNull()
  })

  it('keeps a pod that was never Ready (Ready False since before its start) as completed', () => {
    const [r] = analyzeBatch([{ update: { type: 'LIST', object: completedJobPod(T0 + 1000) } }], {
      cluster: 'c',
    })
    expect(r?.outcome).toBe('completed')
  })
})
