import type { StartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { podCuts } from './pod-cuts.ts'

describe('podCuts', () => {
  it('names each condition time and watch receipt, offset from creation', () => {
    const r = {
      createdAt: '2026-03-02T10:00:00.300Z',
      conditions: {
        PodScheduled: '2026-03-02T10:00:00.000Z',
        Initialized: '2026-03-02T10:00:00.000Z',
        Ready: null,
      },
      observed: { running: '2026-03-02T10:00:02.780Z', allStarted: '2026-03-02T10:00:02.780Z', ready: null },
      sli: { ms: 1650, excluded: null },
    } as unknown as StartupRecord
    const { rows, sli } = podCuts(r)
    expect(rows.map((x) => [x.name, x.offsetMs])).toEqual([
      ['condition PodScheduled', -300],
      ['condition PodReadyToStartContainers', null],
      ['condition Initialized', -300],
      ['condition ContainersReady', null],
      ['condition Ready', null],
      ['watch: Running', 2480],
      ['watch: all started', 2480],
      ['watch: Ready', null],
    ])
    expect(rows[2]?.what).toContain('not the initialized boundary')
    expect(sli).toEqual({ ms: 1650, excluded: null })
    expect(podCuts({ createdAt: r.createdAt } as StartupRecord).sli).toBeNull()
  })
})
