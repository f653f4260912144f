// The SLO cut of a record: condition times, watch receipt times, the official SLI's duration and exclusions,
// on a watched pod whose figures are worked out by hand below (sig-scalability slos/pod_startup_latency.md).
import type { StartupRecord } from '@podstart/schema/record'
import { validateStartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { event, iso, list, pod, schedulerEvent, T0 } from '../../test/fixtures/lifecycle/builders.ts'
import { analyzeBatch, type KubeObject, LifecycleEngine, type WatchUpdate } from './index.ts'

const container = [{ name: 'app', image: 'nginx:1.25' }]
const ev = (reason: string, message: string, atMs: number) =>
  event({ pod: 'web-1', uid: 'u1', reason, message, atMs, container: 'app' })

/** Pending at +50 ms, bound at +300, Running with app started at +4800, Ready at +6050 (receipt times). */
function watchedPod(specExtra: Record<string, unknown> = {}): Array<[WatchUpdate, number]> {
  const withSpec = (o: KubeObject): KubeObject => ({ ...o, spec: { ...(o.spec as object), ...specExtra } })
  const base = { uid: 'u1', name: 'web-1', createdMs: T0, containers: container }
  const bound = { PodScheduled: T0 + 120 }
  const started = { ...bound, PodReadyToStartContainers: T0 + 1200, Initialized: T0 + 100 }
  const mod = (o: KubeObject, at: number): [WatchUpdate, number] => [
    { type: 'MODIFIED', object: withSpec(o) },
    at,
  ]
  return [
    [{ type: 'ADDED', object: withSpec(pod(base)) }, T0 + 50],
    mod(pod({ ...base, node: 'node-a', conditions: bound }), T0 + 300),
    [
      {
        type: 'ADDED',
        object: schedulerEvent({
          pod: 'web-1',
          uid: 'u1',
          reason: 'Scheduled',
          message: 'Successfully assigned default/web-1 to node-a',
          atMs: T0 + 120,
        }),
      },
      T0 + 310,
    ],
    [{ type: 'ADDED', object: ev('Pulling', 'Pulling image "nginx:1.25"', T0 + 1500.5) }, T0 + 1600],
    [
      {
        type: 'ADDED',
        object: ev(
          'Pulled',
          'Successfully pulled image "nginx:1.25" in 2.5s (3.1s including waiting)',
          T0 + 4600.5,
        ),
      },
      T0 + 4650,
    ],
    [{ type: 'ADDED', object: ev('Started', 'Started container app', T0 + 4700.25) }, T0 + 4760],
    mod(
      pod({
        ...base,
        node: 'node-a',
        phase: 'Running',
        conditions: started,
        statuses: [{ name: 'app', startedMs: T0 + 4700 }],
      }),
      T0 + 4800,
    ),
    mod(
      pod({
        ...base,
        node: 'node-a',
        phase: 'Running',
        conditions: { ...started, ContainersReady: T0 + 6000, Ready: T0 + 6000 },
        statuses: [{ name: 'app', startedMs: T0 + 4700 }],
      }),
      T0 + 6050,
    ),
  ]
}

function live(updates: Array<[WatchUpdate, number]>, extra: KubeObject[] = []): StartupRecord {
  const engine = new LifecycleEngine({ cluster: 'test' })
  for (const [u, at] of updates) engine.observe(u, at)
  for (const o of extra) engine.observe({ type: 'ADDED', object: o }, T0 + 20)
  const records = engine.drain(T0 + 60_000)
  expect(records).toHaveLength(1)
  const r = records[0]!
  expect(validateStartupRecord(r).errors).toEqual([])
  return r
}

describe('SLO cut of a watched pod', () => {
  it('keeps each condition time, the watch receipt times and the SLI duration', () => {
    const r = live(watchedPod())
    // lastTransitionTime as the API server stored it (whole seconds).
    expect(r.conditions).toEqual({
      PodScheduled: iso(T0),
      PodReadyToStartContainers: iso(T0 + 1000),
      Initialized: iso(T0),
      ContainersReady: iso(T0 + 6000),
      Ready: iso(T0 + 6000),
    })
    expect(r.observed).toEqual({
      scheduled: iso(T0 + 300),
      running: iso(T0 + 4800),
      allStarted: iso(T0 + 4800),
      ready: iso(T0 + 6050),
    })
    // created = receipt of the ADDED (+50, inside the creationTimestamp's second); end = receipt of the update
    // showing app started (+4800); minus pullWait 600 (3.1 s - 2.5 s) and pull 2500; no init: 4800 - 50 - 3100.
    expect(r.boundaries.created?.at).toBe(iso(T0 + 50))
    expect(r.sli).toEqual({ ms: 1650, excluded: null })
    // The phase cut ends at the Started event (+4700), 100 ms before the watch could observe it.
    expect(r.sloMs).toBe(1550)
  })

  it('excludes a pod with a volume other than emptyDir, configMap, secret, downwardAPI, projected as stateful', () => {
    // sig-scalability slos/pod_startup_latency.md footnote 1; clusterloader2 pod_startup_latency.go lines 341-350.
    for (const volume of [
      { name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } },
      { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      { name: 'host', hostPath: { path: '/var/lib/x' } },
    ]) {
      const r = live(watchedPod({ volumes: [{ name: 'cfg', configMap: { name: 'c' } }, volume] }))
      expect(r.sli).toEqual({ ms: null, excluded: 'stateful' })
    }
    const stateless = [
      { name: 'cfg', configMap: { name: 'c' } },
      { name: 't', emptyDir: {} },
      { name: 's', secret: { secretName: 's' } },
      { name: 'd', downwardAPI: { items: [] } },
      { name: 'kube-api-access-x', projected: { sources: [] } },
    ]
    expect(live(watchedPod({ volumes: stateless })).sli?.excluded).toBeNull()
  })

  it('excludes a pod the scheduler once failed to place', () => {
    const failed = schedulerEvent({
      pod: 'web-1',
      uid: 'u1',
      reason: 'FailedScheduling',
      message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
      atMs: T0 + 60,
    })
    expect(live(watchedPod(), [failed]).sli).toEqual({ ms: null, excluded: 'unschedulable' })
    // PodScheduled False (Unschedulable) on one update is enough, even when it later turns True.
    const updates = watchedPod()
    updates.splice(1, 0, [
      {
        type: 'MODIFIED',
        object: pod({ uid: 'u1', name: 'web-1', createdMs: T0, containers: container, unschedulable: true }),
      },
      T0 + 100,
    ])
    expect(live(updates).sli).toEqual({ ms: null, excluded: 'unschedulable' })
  })

  it('says not-started for a pod whose containers never all started', () => {
    const r = live(watchedPod().slice(0, 3))
    expect(r.sli).toEqual({ ms: null, excluded: 'not-started' })
    expect(r.observed).toEqual({ scheduled: iso(T0 + 300), running: null, allStarted: null, ready: null })
  })

  it('says unobserved for imports (no receipt times) and for a pod first seen already started', () => {
    const objects = watchedPod().map(([u]) => u.object)
    const [batch] = analyzeBatch(list(objects), { cluster: 'test' })
    expect(batch?.observed).toEqual({ scheduled: null, running: null, allStarted: null, ready: null })
    expect(batch?.sli).toEqual({ ms: null, excluded: 'unobserved' })
    expect(batch?.conditions?.Ready).toBe(iso(T0 + 6000))
    const late = live(watchedPod().slice(6))
    expect(late.observed).toEqual({ scheduled: null, running: null, allStarted: null, ready: iso(T0 + 6050) })
    expect(late.sli?.excluded).toBe('unobserved')
  })
})
