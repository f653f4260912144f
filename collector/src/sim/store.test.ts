import { describe, expect, it } from 'vitest'
import { ObjectStore } from './store.ts'

const pod = (name: string) =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' } }) as never

describe('ObjectStore history', () => {
  it('replays every change after a recent version and answers 410 (null) for compacted ones', () => {
    const store = new ObjectStore(100)
    const rvs: number[] = []
    for (let i = 0; i < 1000; i++) rvs.push(store.apply('pods', 'ADDED', pod(`p-${i}`)).rv)
    // At least the last 100 changes stay replayable, in order, with nothing missing.
    const from = rvs[899] as number
    const replay = store.since(from)
    expect(replay?.map((c) => c.rv)).toEqual(rvs.slice(900))
    // Never more than one and a half windows are kept: the oldest versions are compacted.
    expect(store.since(rvs[0] as number)).toBeNull()
    expect(store.compactedRv).toBeGreaterThanOrEqual(rvs[1000 - 150 - 1] as number)
    const oldestKept = rvs.findIndex((rv) => rv > store.compactedRv)
    expect(store.since(rvs[oldestKept] as number)?.length).toBe(1000 - oldestKept - 1)
  })
})
