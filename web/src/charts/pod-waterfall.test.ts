import type { StartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { podWaterfall } from './pod-waterfall.ts'

const t = (ms: number) => new Date(Date.UTC(2024, 4, 1, 10) + ms).toISOString()

const record: StartupRecord = {
  schemaVersion: 1,
  cluster: 'c',
  uid: 'u',
  namespace: 'ns',
  pod: 'p',
  node: 'n',
  workload: { kind: 'Deployment', name: 'w' },
  createdAt: t(0),
  readyAt: t(10_000),
  outcome: 'ready',
  outcomeReason: null,
  totalMs: 10_000,
  phases: {
    scheduling: 100,
    sandbox: 900,
    init: 0,
    pullWait: 500,
    pull: 6000,
    download: 2000,
    decompress: 4000,
    start: 1500,
    ready: 1000,
  },
  boundaries: {
    created: { at: t(0), source: 'watch', precisionMs: 1 },
    scheduled: { at: t(100), source: 'event-time' },
    sandboxReady: { at: t(1000), source: 'condition', precisionMs: 1000 },
    initialized: { at: t(1000), source: 'condition' },
    containersStarted: { at: t(9000), source: 'event-name' },
    ready: { at: t(10_000), source: 'watch' },
  },
  pulls: [
    {
      container: 'app',
      init: false,
      image: 'img:1',
      startedAt: t(1500),
      pullMs: 6000,
      waitMs: 500,
      sizeBytes: null,
      sizeKind: null,
      cached: false,
      attempts: 2,
      outcome: 'ok',
      downloadMs: 2000,
      decompressMs: 4000,
      splitMethod: 'size-model',
    },
  ],
  containers: [{ name: 'app', init: false, createdAt: t(8000), startedAt: t(9000) }],
}

describe('podWaterfall', () => {
  it('places phases between their boundaries and pulls at their own start, relative to creation', () => {
    const w = podWaterfall(record)
    const span = (label: string) => w.spans.find((s) => s.label === label)
    expect(span('scheduling')).toMatchObject({ startMs: 0, endMs: 100, durationMs: 100 })
    expect(span('sandbox')).toMatchObject({ startMs: 100, endMs: 1000, durationMs: 900 })
    expect(span('ready')).toMatchObject({ startMs: 9000, endMs: 10_000, durationMs: 1000 })
    // The init span ends at the initialized phase boundary, which its tooltip names apart from the condition.
    expect(span('init')?.bounds).toContain('initialized (phase boundary')
    expect(span('init')?.bounds).toContain('not the Initialized condition')
    // Two attempts: the wait before the pull that succeeded is one failed attempt and its back-off.
    expect(span('app: 1 failed attempt + back-off')).toMatchObject({
      kind: 'pull-retry',
      startMs: 1000,
      endMs: 1500,
      note: '2 attempts',
    })
    expect(span('app: pull')).toMatchObject({ startMs: 1500, endMs: 7500, durationMs: 6000 })
    expect(span('app: create')).toMatchObject({ startMs: 8000, endMs: 9000 })
    expect(span('pull (sum)')?.note).toBe('download 2000 ms + decompress 4000 ms')
    expect(w.spanMs).toBe(10_000)
  })

  it('lists every boundary with source and precision, and missing ones as null', () => {
    const w = podWaterfall({ ...record, boundaries: { ...record.boundaries, scheduled: null } })
    expect(w.boundaries.find((b) => b.name === 'sandboxReady')).toEqual({
      name: 'sandboxReady',
      at: t(1000),
      offsetMs: 1000,
      source: 'condition',
      precisionMs: 1000,
    })
    expect(w.boundaries.find((b) => b.name === 'scheduled')).toMatchObject({ at: null, source: null })
    // Without the scheduled boundary, scheduling and sandbox keep their durations but lose their position.
    expect(w.spans.find((s) => s.label === 'sandbox')).toMatchObject({ startMs: null, durationMs: 900 })
  })

  it('groups rows by container, init first, and carries the events that held each bar', () => {
    const failedPull = {
      ...(record.pulls[0] as StartupRecord['pulls'][number]),
      container: 'sidecar',
      image: 'registry.example/missing:1',
      startedAt: null,
      pullMs: null,
      waitMs: 4000,
      attempts: 3,
      outcome: 'backoff' as const,
      failureReason: 'ImagePullBackOff',
    }
    const initPull = {
      ...(record.pulls[0] as StartupRecord['pulls'][number]),
      container: 'migrate',
      init: true,
      attempts: 1,
      waitMs: 0,
    }
    const w = podWaterfall(
      {
        ...record,
        pulls: [...record.pulls, failedPull, initPull],
        containers: [
          ...(record.containers ?? []),
          { name: 'migrate', init: true, createdAt: t(1100), startedAt: t(1200) },
        ],
      },
      [
        {
          reason: 'FailedScheduling',
          message: '0/3 nodes are available: 3 Insufficient cpu.',
          field_path: '',
        },
        { reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "cfg"', field_path: '' },
        {
          reason: 'Failed',
          message: 'Failed to pull image "registry.example/missing:1": not found',
          field_path: 'spec.containers{sidecar}',
        },
        {
          reason: 'BackOff',
          message: 'Back-off pulling image "registry.example/missing:1"',
          field_path: 'spec.containers{sidecar}',
        },
      ],
    )
    const groups = w.spans.filter((s) => s.container).map((s) => s.container)
    expect([...new Set(groups)]).toEqual(['init migrate', 'app', 'sidecar'])
    const retry = w.spans.find((s) => s.container === 'sidecar')
    expect(retry).toMatchObject({
      kind: 'pull-retry',
      label: 'sidecar: 3 failed attempts + back-off',
      durationMs: 4000,
    })
    expect(retry?.note).toContain('ImagePullBackOff')
    expect(retry?.note).toContain('Failed: Failed to pull image "registry.example/missing:1": not found')
    expect(retry?.note).toContain('BackOff: Back-off pulling image')
    // A pull that never succeeded has no pull bar.
    expect(w.spans.some((s) => s.label === 'sidecar: pull')).toBe(false)
    expect(w.spans.find((s) => s.label === 'scheduling')?.note).toBe(
      'FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.',
    )
    expect(w.spans.find((s) => s.label === 'sandbox')?.note).toBe(
      'FailedMount: MountVolume.SetUp failed for volume "cfg"',
    )
  })
})
