import { describe, expect, it } from 'vitest'
import { phaseRow, signals } from './fixtures.ts'
import { initContainers } from './init-containers.ts'
import { readiness } from './readiness.ts'
import { sandbox } from './sandbox.ts'
import { scheduling } from './scheduling.ts'

// 20 startups/day, 200 s of Ready time; the phase holds 100 s of it (50%), p90 12 s, 80 s above its target.
const dominant = {
  count: 20,
  sumMs: 100_000,
  p50Ms: 3000,
  p90Ms: 12_000,
  sumInReadyMs: 100_000,
  excessMs: 80_000,
}
const minor = { ...dominant, sumInReadyMs: 30_000 } // 15%

describe('scheduling', () => {
  const t = scheduling.thresholds.parse({})
  it('fires when pods wait for nodes, with a headroom manifest; saving is the excess over 1 s', () => {
    const row = phaseRow(
      { scheduling: dominant },
      { failedScheduling: 5, triggeredScaleUp: 4, waitedNewNode: 4, waitedCapacity: 1 },
    )
    const [f] = scheduling.evaluate(signals({ workloadPhases: [row] }), t)
    // 80 s * 7 = 560; p90 12 s - 1 s = 11 s.
    expect(f?.saving).toMatchObject({ podSecondsPerWeek: 560, p90SecondsPerStartup: 11 })
    expect(f?.cause).toBe('autoscaler')
    expect(f?.artifact?.content).toContain('kind: PriorityClass')
    expect(f?.confidence).toBe('high')
  })
  it('names capacity when pods waited on full nodes and no node was added: no headroom manifest', () => {
    const row = phaseRow({ scheduling: dominant }, { failedScheduling: 6, waitedCapacity: 6 })
    const [f] = scheduling.evaluate(signals({ workloadPhases: [row] }), t)
    expect(f?.cause).toBe('capacity')
    expect(f?.title).toContain('capacity')
    expect(f?.artifact?.content).not.toContain('PriorityClass')
    expect(f?.artifact?.content).toContain('max size')
  })
  it('names placement when no node allowed the pods', () => {
    const row = phaseRow(
      { scheduling: dominant },
      { failedScheduling: 3, waitedAffinity: 3, waitedCapacity: 1 },
    )
    const [f] = scheduling.evaluate(signals({ workloadPhases: [row] }), t)
    expect(f?.cause).toBe('affinity')
    expect(f?.artifact?.content).toContain('nodeSelector')
  })
  it('without FailedScheduling the wait is the scheduler’s, medium confidence', () => {
    const [f] = scheduling.evaluate(signals({ workloadPhases: [phaseRow({ scheduling: dominant })] }), t)
    expect(f?.cause).toBe('scheduler')
    expect(f?.confidence).toBe('medium')
  })
  it('stays silent when scheduling is a small share', () => {
    expect(scheduling.evaluate(signals({ workloadPhases: [phaseRow({ scheduling: minor })] }), t)).toEqual([])
  })
  it('asks phase statistics for the excess over its target', () => {
    expect(scheduling.phaseTargets?.(t)).toEqual({ scheduling: 1000 })
  })
})

describe('sandbox', () => {
  const t = sandbox.thresholds.parse({})
  const node = (name: string, ph: typeof dominant) =>
    phaseRow({ sandbox: ph }, { node: name, namespace: undefined, workload: undefined })
  it('blames one slow node', () => {
    const findings = sandbox.evaluate(
      signals({ nodePhases: [node('n1', dominant), node('n2', minor), node('n3', minor)] }),
      t,
    )
    expect(findings.map((f) => f.scope)).toEqual([{ level: 'node', cluster: 'prod', node: 'n1' }])
    expect(findings[0]?.saving.podSecondsPerWeek).toBe(560)
  })
  it('reports the cluster once when most nodes are slow', () => {
    const cluster = phaseRow(
      { sandbox: { ...dominant, excessMs: 50_000 } },
      { namespace: undefined, workload: undefined },
    )
    const findings = sandbox.evaluate(
      signals({
        nodePhases: [node('n1', dominant), node('n2', dominant), node('n3', minor)],
        clusterPhases: [cluster],
      }),
      t,
    )
    expect(findings).toHaveLength(1)
    expect(findings[0]?.scope).toEqual({ level: 'cluster', cluster: 'prod' })
    // 50 s * 7
    expect(findings[0]?.saving.podSecondsPerWeek).toBe(350)
  })
  it('stays silent when sandboxes are quick', () => {
    expect(sandbox.evaluate(signals({ nodePhases: [node('n1', { ...dominant, p90Ms: 2500 })] }), t)).toEqual(
      [],
    )
  })
})

describe('init-containers and readiness', () => {
  it('init: fires on a dominant init phase, saving = excess over 2 s', () => {
    const t = initContainers.thresholds.parse({})
    const [f] = initContainers.evaluate(signals({ workloadPhases: [phaseRow({ init: dominant })] }), t)
    // 80 s * 7 = 560; p90 12 - 2 = 10 s.
    expect(f?.saving).toMatchObject({ podSecondsPerWeek: 560, p90SecondsPerStartup: 10 })
    expect(
      initContainers.evaluate(
        signals({ workloadPhases: [phaseRow({ init: { ...dominant, p90Ms: 9000 } })] }),
        t,
      ),
    ).toEqual([])
  })
  it('readiness: fires on a dominant ready phase with a probe patch, silent when minor', () => {
    const t = readiness.thresholds.parse({})
    const [f] = readiness.evaluate(signals({ workloadPhases: [phaseRow({ ready: dominant })] }), t)
    expect(f?.saving).toMatchObject({ podSecondsPerWeek: 560, p90SecondsPerStartup: 10 })
    expect(f?.artifact?.content).toContain('startupProbe')
    expect(readiness.evaluate(signals({ workloadPhases: [phaseRow({ ready: minor })] }), t)).toEqual([])
  })
})
