// Startup signals of the advice engine (phase stats, image-only rollouts) against the real embedded store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { imageOnlyRollouts, phaseStats, phaseStatsByGroups } from '../../queries/advice-startups.ts'
import type { Querier } from '../../store/index.ts'
import { insertStartups } from '../../writes/startups.ts'
import { at, openMigratedStore, startup, WINDOW } from './fixture-store.ts'

let q: Querier
let cleanup: () => Promise<void>

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  const web = { kind: 'Deployment', name: 'web' }
  await insertStartups(
    q,
    [
      startup({
        uid: 'w1',
        pod: 'web-6b7f-aaaa',
        workload: web,
        node: 'n1',
        phases: { scheduling: 8000, sandbox: 500, ready: 1000 },
      }),
      startup({
        uid: 'w2',
        pod: 'web-6b7f-bbbb',
        workload: web,
        node: 'n1',
        phases: { scheduling: 2000, sandbox: 1500, ready: 3000 },
      }),
      startup({
        uid: 'w3',
        pod: 'web-5c4d-cccc',
        workload: web,
        node: 'n2',
        phases: { scheduling: 500, sandbox: 700 },
      }),
      // Never ready: counts as a startup, not in the Ready sums; its scheduling is unknown.
      startup({
        uid: 'w4',
        pod: 'web-6b7f-dddd',
        workload: web,
        node: null,
        ready: false,
        outcomeReason: 'Unschedulable',
        phases: { scheduling: null, sandbox: null },
      }),
      startup({
        uid: 'j1',
        pod: 'job-1',
        workload: { kind: 'Job', name: 'etl' },
        node: 'n2',
        phases: { init: 12_000 },
      }),
    ],
    1,
  )
  await q.insert('pod_events', [
    {
      cluster: 'prod',
      namespace: 'shop',
      uid: 'w1',
      pod: 'web-6b7f-aaaa',
      event_name: 'web-6b7f-aaaa.1',
      reason: 'FailedScheduling',
      message: '0/3 nodes are available',
      type: 'Warning',
      source_component: 'default-scheduler',
      field_path: '',
      count: 1,
      created_at: at(0),
      observed_at: at(0),
      version: 1,
    },
    {
      cluster: 'prod',
      namespace: 'shop',
      uid: 'w1',
      pod: 'web-6b7f-aaaa',
      event_name: 'web-6b7f-aaaa.2',
      reason: 'TriggeredScaleUp',
      message: 'pod triggered scale-up',
      type: 'Normal',
      source_component: 'cluster-autoscaler',
      field_path: '',
      count: 1,
      created_at: at(0),
      observed_at: at(0),
      version: 1,
    },
  ])
  await q.insert('workload_rollouts', [
    {
      cluster: 'prod',
      namespace: 'shop',
      workload_kind: 'Deployment',
      workload_name: 'web',
      revision: '7',
      replica_set: 'web-6b7f',
      started_at: at(-1000),
      template_hash: '6b7f',
      image_only: true,
      images: ['reg/web:2'],
      version: 1,
    },
    {
      cluster: 'prod',
      namespace: 'shop',
      workload_kind: 'Deployment',
      workload_name: 'web',
      revision: '6',
      replica_set: 'web-5c4d',
      started_at: at(-5000),
      template_hash: '5c4d',
      image_only: false,
      images: ['reg/web:1'],
      version: 1,
    },
  ])
})
afterAll(async () => cleanup?.())

describe('phaseStats', () => {
  it('per workload: counts, sums, p50/p90 and the excess over each target', async () => {
    const rows = await phaseStats(q)({
      ...WINDOW,
      groupBy: 'workload',
      targetsMs: { scheduling: 1000, sandbox: 1000 },
    })
    expect(rows.map((r) => r.workload?.name)).toEqual(['web', 'etl'])
    const web = rows[0]!
    expect(web).toMatchObject({
      cluster: 'prod',
      namespace: 'shop',
      workload: { kind: 'Deployment', name: 'web' },
      startups: 4,
      ready: 3,
      // 9500 + 6500 + 1200
      totalSumMs: 17_200,
      totalP90Ms: 9500,
      unschedulable: 1,
      failedScheduling: 1,
      triggeredScaleUp: 1,
      // w1 failed to schedule and the autoscaler scaled up for it: a wait for a new node, not capacity.
      waitedNewNode: 1,
      waitedCapacity: 0,
      waitedAffinity: 0,
    })
    expect(web.phases.scheduling).toEqual({
      count: 3,
      sumMs: 10_500,
      // sorted [500, 2000, 8000]: p50 at floor(1.5) = 1, p90 at floor(2.7) = 2
      p50Ms: 2000,
      p90Ms: 8000,
      sumInReadyMs: 10_500,
      // (8000 - 1000) + (2000 - 1000) + 0
      excessMs: 8000,
    })
    expect(web.phases.sandbox.excessMs).toBe(500)
    expect(web.phases.ready).toMatchObject({ count: 4, sumMs: 4000, excessMs: null })
    expect(rows[1]!.phases.init).toMatchObject({ count: 1, sumMs: 12_000, p90Ms: 12_000 })
  })

  it('per node and per cluster', async () => {
    const nodes = await phaseStats(q)({ ...WINDOW, groupBy: 'node' })
    expect(nodes.map((r) => [r.node, r.startups, r.phases.sandbox.sumMs])).toEqual([
      ['', 1, 0],
      ['n1', 2, 2000],
      ['n2', 2, 700],
    ])
    const cluster = await phaseStats(q)({ ...WINDOW, groupBy: 'cluster', namespace: 'shop' })
    expect(cluster).toHaveLength(1)
    expect(cluster[0]).toMatchObject({ startups: 5, ready: 4, totalSumMs: 29_200 })
  })

  it('all three groupings in one scan equal the groupings asked one by one', async () => {
    const targetsMs = { sandbox: 500, pull: 1000 }
    const all = await phaseStatsByGroups(q)({ ...WINDOW, targetsMs })
    for (const groupBy of ['cluster', 'workload', 'node'] as const) {
      const one = await phaseStats(q)({ ...WINDOW, groupBy, targetsMs })
      expect(one.length, groupBy).toBeGreaterThan(0)
      expect(all[groupBy], groupBy).toEqual(one)
    }
    const two = await phaseStatsByGroups(q)({ ...WINDOW, namespace: 'shop' }, ['workload', 'node'])
    expect(two.cluster).toEqual([])
    expect(two.node).toEqual(await phaseStats(q)({ ...WINDOW, namespace: 'shop', groupBy: 'node' }))
  })
})

describe('imageOnlyRollouts', () => {
  it('prices scheduling + sandbox of the pods of image-only rollouts, matched by ReplicaSet name', async () => {
    const rows = await imageOnlyRollouts(q)({ ...WINDOW, cluster: 'prod' })
    expect(rows).toEqual([
      {
        cluster: 'prod',
        namespace: 'shop',
        workload: { kind: 'Deployment', name: 'web' },
        replicaSet: 'web-6b7f',
        startedAt: at(-1000),
        images: ['reg/web:2'],
        pods: 3,
        // w1 failed to schedule (FailedScheduling): its 8 s of scheduling were capacity's, not the rollout's.
        capacityWaitPods: 1,
        pricedPods: 2,
        // (0 + 500) + (2000 + 1500)
        schedulingSandboxMs: 4000,
        schedulingSandboxP90Ms: 3500,
      },
    ])
  })
})
