// Shrunk counterexamples of the engine's property suite (engine.fuzz.test.ts), kept as plain cases.
import { ADDITIVE_PHASES } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { analyzeBatch, type WatchUpdate } from './index.ts'

const created = '2026-01-13T01:33:26Z'
const pod = (uid: string, creationTimestamp: unknown, ready: boolean) => ({
  type: 'MODIFIED',
  object: {
    kind: 'Pod',
    metadata: { name: uid, namespace: 'default', uid, creationTimestamp },
    spec: { containers: [{ name: 'a', image: 'img:1' }], nodeName: 'node-1' },
    status: {
      phase: 'Running',
      conditions: ready
        ? [
            { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-13T01:33:34Z' },
            { type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: '2026-01-13T01:33:36Z' },
            { type: 'Initialized', status: 'True', lastTransitionTime: '2026-01-13T01:33:36Z' },
            { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-13T01:34:14Z' },
          ]
        : [],
      containerStatuses: [{ name: 'a', state: { running: { startedAt: '2026-01-13T01:33:56Z' } } }],
    },
  },
})
const pulled = (uid: string, message: string) => ({
  type: 'ADDED',
  object: {
    kind: 'Event',
    metadata: { name: `${uid}.188a266915880bc0`, namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: uid, uid, fieldPath: 'spec.containers{a}' },
    reason: 'Pulled',
    message,
    firstTimestamp: '2026-01-13T01:33:56Z',
  },
})
const batch = (updates: unknown[]) =>
  analyzeBatch(
    updates.map((u) => ({ update: u as WatchUpdate })),
    { cluster: 'c' },
  )

describe('engine regressions found by the property suite', () => {
  it('a pull forged past what a Date holds (`in 9999999999999999h`) is unknown, not a RangeError out of drain', () => {
    const [r] = batch([
      pod('p', created, true),
      pulled('p', 'Successfully pulled image "img:1" in 9999999999999999h (195ms including waiting).'),
    ])
    expect(r?.pulls[0]?.pullMs).toBeNull()
    expect(r?.pulls[0]?.startedAt).toBeNull()
    expect(r?.phases.pull).toBeNull()
    expect(r?.totalMs).toBe(48_000)
  })

  it('forged pulls that sum past 2^53 ms leave the pull phases unknown, so the known phases still add up', () => {
    const updates: unknown[] = [pod('q', created, true)]
    const [r] = batch([
      ...updates,
      pulled('q', 'Successfully pulled image "img:1" in 2000000000000h (1s including waiting).'),
    ])
    expect(r?.phases.pull).toBeNull()
    const parts = ADDITIVE_PHASES.map((p) => r?.phases[p])
    expect(parts.some((v) => v === null)).toBe(true)
    expect(r?.totalMs).toBe(48_000)
  })

  it('a numeric creationTimestamp (5) is no creation time: the pod is rejected, not thrown out of drain', () => {
    const records = batch([pod('n', 5, false), pod('s', '2024', false), pod('ok', created, true)])
    expect(records.map((r) => r.uid)).toEqual(['ok'])
  })
})
