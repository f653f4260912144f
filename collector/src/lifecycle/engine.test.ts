import { validateStartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { event, list, node, pod, schedulerEvent, T0 } from '../../test/fixtures/lifecycle/builders.ts'
import { analyzeBatch, type KubeObject, LifecycleEngine } from './index.ts'

const analyze = (objects: KubeObject[], opts = {}) => {
  const records = analyzeBatch(list(objects), { cluster: 'test', ...opts })
  for (const r of records) expect(validateStartupRecord(r).errors).toEqual([])
  return records
}
const one = (objects: KubeObject[], opts = {}) => {
  const r = analyze(objects, opts)
  expect(r).toHaveLength(1)
  return r[0]!
}
const ev = (reason: string, message: string, atMs: number, more: Partial<Parameters<typeof event>[0]> = {}) =>
  event({ pod: 'web-1', uid: 'u1', reason, message, atMs, container: 'app', ...more })

/** A pod that pulls one image: every boundary known, times chosen so each phase is distinct. */
function happyPod(
  extra: Partial<Parameters<typeof pod>[0]> = {},
  pulled = 'Successfully pulled image "nginx:1.25" in 2.5s (3.1s including waiting)',
) {
  return [
    pod({
      uid: 'u1',
      name: 'web-1',
      createdMs: T0,
      node: 'node-a',
      phase: 'Running',
      containers: [{ name: 'app', image: 'nginx:1.25' }],
      conditions: {
        PodScheduled: T0 + 120,
        PodReadyToStartContainers: T0 + 1200,
        Initialized: T0 + 100,
        ContainersReady: T0 + 6000,
        Ready: T0 + 6000,
      },
      ...extra,
    }),
    schedulerEvent({
      pod: 'web-1',
      uid: 'u1',
      reason: 'Scheduled',
      message: 'Successfully assigned default/web-1 to node-a',
      atMs: T0 + 120.345,
    }),
    ev('Pulling', 'Pulling image "nginx:1.25"', T0 + 1500.5),
    ev('Pulled', pulled, T0 + 4600.5),
    ev('Created', 'Created container app', T0 + 4650),
    ev('Started', 'Started container app', T0 + 4700.25),
  ]
}

describe('LifecycleEngine: a plain startup', () => {
  it('ranks sources, cuts phases and adds them up to the total', () => {
    const r = one(happyPod())
    expect(r.outcome).toBe('ready')
    expect(r.boundaries.scheduled).toMatchObject({
      source: 'event-time',
      at: new Date(T0 + 120).toISOString(),
    })
    expect(r.boundaries.sandboxReady).toMatchObject({
      source: 'condition',
      at: new Date(T0 + 1000).toISOString(),
    })
    expect(r.boundaries.containersStarted).toMatchObject({
      source: 'event-name',
      at: new Date(T0 + 4700).toISOString(),
    })
    expect(r.phases).toEqual({
      scheduling: 120,
      sandbox: 880,
      init: 0,
      pullWait: 600,
      pull: 2500,
      download: null,
      decompress: null,
      start: 600,
      ready: 1300,
    })
    expect(r.totalMs).toBe(6000)
    expect(r.pulls).toEqual([
      expect.objectContaining({
        container: 'app',
        init: false,
        pullMs: 2500,
        waitMs: 600,
        cached: false,
        attempts: 1,
        outcome: 'ok',
        sizeKind: null,
      }),
    ])
    expect(r.cold).toBe(true)
    expect(r.sloMs).toBe(4700 - 600 - 2500)
  })

  it('infers the sandbox from the first kubelet event without PodReadyToStartContainers', () => {
    const objs = happyPod({
      conditions: {
        PodScheduled: T0 + 120,
        Initialized: T0 + 100,
        ContainersReady: T0 + 6000,
        Ready: T0 + 6000,
      },
    })
    const r = one(objs)
    expect(r.boundaries.sandboxReady).toMatchObject({
      source: 'inferred',
      at: new Date(T0 + 1501).toISOString(),
    })
    expect(r.phases.sandbox).toBe(1381)
    expect(r.phases.start).toBe(4700 - 1501 - 600 - 2500)
  })

  it('accepts PodHasNetwork (1.25-1.27) as the sandbox condition', () => {
    const r = one(
      happyPod({
        conditions: {
          PodScheduled: T0,
          PodHasNetwork: T0 + 1200,
          Initialized: T0,
          ContainersReady: T0 + 6000,
          Ready: T0 + 6000,
        },
      }),
    )
    expect(r.boundaries.sandboxReady?.source).toBe('condition')
  })

  it('reads the 1.30+ image size with the node runtime: containerd compressed, CRI-O uncompressed', () => {
    const msg =
      'Successfully pulled image "nginx:1.25" in 2.5s (3.1s including waiting). Image size: 70531337 bytes.'
    const c = one([node('node-a', 'containerd://1.7.2'), ...happyPod({}, msg)])
    expect(c.pulls[0]).toMatchObject({ sizeBytes: 70531337, sizeKind: 'compressed' })
    expect(c.runtime).toBe('containerd')
    const o = one([node('node-a', 'cri-o://1.29.1'), ...happyPod({}, msg)])
    expect(o.pulls[0]).toMatchObject({ sizeKind: 'uncompressed' })
  })

  it('splits pulls only when rates are given, download + decompress = pull', () => {
    const msg =
      'Successfully pulled image "nginx:1.25" in 2.5s (3.1s including waiting). Image size: 50000000 bytes.'
    const rates = {
      downloadBytesPerSec: 50e6,
      inflateBytesPerSec: 200e6,
      extractBytesPerSec: 50e6,
      compressionRatio: 2,
    }
    const r = one([node('node-a', 'containerd://1.7.2'), ...happyPod({}, msg)], { splitRates: () => rates })
    // 100 MB uncompressed / (1/(1/200+1/50) MB/s = 40 MB/s) = 2.5 s, capped at the 2.5 s pull
    expect(r.pulls[0]).toMatchObject({ decompressMs: 2500, downloadMs: 0, splitMethod: 'size-model' })
    const p = one([node('node-a', 'containerd://1.7.2'), ...happyPod({}, msg)], {
      splitRates: () => rates,
      imageProfile: () => ({ compressedBytes: 50e6, uncompressedBytes: 40e6 }),
    })
    expect(p.pulls[0]).toMatchObject({ decompressMs: 1000, downloadMs: 1500, splitMethod: 'profile' })
    expect(p.phases.download! + p.phases.decompress!).toBe(p.phases.pull)
    expect(one(happyPod({}, msg)).phases.download).toBeNull()
  })

  it('keeps the pull without a duration (oldest wording) as unknown, not 0', () => {
    const r = one(happyPod({}, 'Successfully pulled image "nginx:1.25"'))
    expect(r.pulls[0]?.pullMs).toBeNull()
    expect(r.phases.pull).toBeNull()
    expect(r.phases.pullWait).toBeNull()
    expect(r.phases.start).toBeNull()
    expect(r.phases.scheduling).toBe(120)
    expect(r.totalMs).toBe(6000)
  })

  it('missing events: pull, pullWait and start are null; conditions still give scheduling and ready', () => {
    const r = one([happyPod()[0]!])
    expect(r.phases).toMatchObject({ scheduling: 0, pull: null, pullWait: null, start: null })
    expect(r.boundaries.scheduled?.source).toBe('condition')
    expect(r.cold).toBeNull()
    expect(r.sloMs).toBeNull()
  })

  it('treats both already-present wordings as cached and the combined prefix as the same message', () => {
    for (const m of [
      'Container image "nginx:1.25" already present on machine',
      'Container image "nginx:1.25" already present on machine and can be accessed by the pod',
    ]) {
      const objs = happyPod()
      objs.splice(2, 2, ev('Pulled', m, T0 + 1500))
      const r = one(objs)
      expect(r.pulls[0]).toMatchObject({ cached: true, pullMs: 0, waitMs: 0, attempts: 0, outcome: 'ok' })
      expect(r.phases.pull).toBe(0)
      expect(r.cold).toBe(false)
    }
    const c = one(
      happyPod(
        {},
        '(combined from similar events): Successfully pulled image "nginx:1.25" in 2.5s (3.1s including waiting)',
      ),
    )
    expect(c.pulls[0]).toMatchObject({ pullMs: 2500, waitMs: 600 })
  })

  it('ignores ephemeral containers and handles several regular containers in order', () => {
    const objs: KubeObject[] = [
      pod({
        uid: 'u1',
        name: 'web-1',
        createdMs: T0,
        node: 'node-a',
        phase: 'Running',
        containers: [
          { name: 'app', image: 'a:1' },
          { name: 'proxy', image: 'p:1' },
        ],
        conditions: {
          PodScheduled: T0,
          PodReadyToStartContainers: T0 + 1000,
          Initialized: T0,
          ContainersReady: T0 + 9000,
          Ready: T0 + 9000,
        },
      }),
      ev('Pulling', 'Pulling image "a:1"', T0 + 1100),
      ev('Pulled', 'Successfully pulled image "a:1" in 2s (2.2s including waiting)', T0 + 3300),
      ev('Started', 'Started container: app', T0 + 3400),
      ev('Pulling', 'Pulling image "p:1"', T0 + 3410, { container: 'proxy' }),
      ev('Pulled', 'Successfully pulled image "p:1" in 3s (3.5s including waiting)', T0 + 6910, {
        container: 'proxy',
      }),
      ev('Started', 'Started container: proxy', T0 + 7000, { container: 'proxy' }),
      ev('Pulled', 'Successfully pulled image "debug" in 9s', T0 + 8000, {
        container: 'dbg',
        ephemeral: true,
      }),
      ev('Started', 'Container started', T0 + 8500, { container: 'dbg', ephemeral: true }),
    ]
    const r = one(objs)
    expect(r.pulls.map((p) => p.container)).toEqual(['app', 'proxy'])
    expect(r.phases.pull).toBe(5000)
    expect(r.phases.pullWait).toBe(700)
    expect(r.boundaries.containersStarted?.at).toBe(new Date(T0 + 7000).toISOString())
    expect(r.phases.start).toBe(7000 - 1000 - 700 - 5000)
  })
})

describe('init containers and sidecars', () => {
  it('init pulls are listed with init:true and belong to init, not pull', () => {
    const objs: KubeObject[] = [
      pod({
        uid: 'u1',
        name: 'web-1',
        createdMs: T0,
        node: 'node-a',
        phase: 'Running',
        init: [{ name: 'migrate', image: 'm:1' }],
        containers: [{ name: 'app', image: 'a:1' }],
        conditions: {
          PodScheduled: T0,
          PodReadyToStartContainers: T0 + 1000,
          Initialized: T0 + 5000,
          ContainersReady: T0 + 8000,
          Ready: T0 + 8000,
        },
      }),
      ev('Pulling', 'Pulling image "m:1"', T0 + 1100, { container: 'migrate', init: true }),
      ev('Pulled', 'Successfully pulled image "m:1" in 2s (2s including waiting)', T0 + 3100, {
        container: 'migrate',
        init: true,
      }),
      ev('Started', 'Started container migrate', T0 + 3200, { container: 'migrate', init: true }),
      ev('Pulled', 'Container image "a:1" already present on machine', T0 + 5100),
      ev('Started', 'Started container app', T0 + 5300),
    ]
    const r = one(objs)
    expect(r.pulls).toEqual([
      expect.objectContaining({ container: 'migrate', init: true, pullMs: 2000 }),
      expect.objectContaining({ container: 'app', cached: true }),
    ])
    expect(r.phases).toMatchObject({ init: 4000, pull: 0, pullWait: 0, start: 300 })
    expect(r.cold).toBe(true)
    expect(r.sloMs).toBe(5300 - 4000)
  })

  it('a sidecar counts as initialized once started (no Initialized condition: from statuses)', () => {
    const objs: KubeObject[] = [
      pod({
        uid: 'u1',
        name: 'web-1',
        createdMs: T0,
        node: 'node-a',
        phase: 'Running',
        init: [
          { name: 'setup', image: 's:1' },
          { name: 'mesh', image: 'mesh:1', sidecar: true },
        ],
        containers: [{ name: 'app', image: 'a:1' }],
        conditions: { PodScheduled: T0, PodReadyToStartContainers: T0 + 1000, Ready: T0 + 9000 },
        statuses: [
          { name: 'setup', init: true, startedMs: T0 + 2000, finishedMs: T0 + 3000 },
          { name: 'mesh', init: true, startedMs: T0 + 4000 },
          { name: 'app', startedMs: T0 + 6000 },
        ],
      }),
    ]
    const r = one(objs)
    expect(r.boundaries.initialized).toMatchObject({
      source: 'status',
      at: new Date(T0 + 4000).toISOString(),
    })
    expect(r.containers?.find((c) => c.name === 'mesh')?.sidecar).toBe(true)
    expect(r.phases.init).toBe(3000)
  })

  it('no init containers: Initialized (set before the sandbox) is replaced by sandboxReady and init = 0', () => {
    const r = one(happyPod())
    expect(r.boundaries.initialized?.at).toBe(r.boundaries.sandboxReady?.at)
    expect(r.phases.init).toBe(0)
  })
})

describe('failures and outcomes', () => {
  const failingPull = (withSuccess: boolean) => {
    const objs: KubeObject[] = [
      pod({
        uid: 'u1',
        name: 'web-1',
        createdMs: T0,
        node: 'node-a',
        phase: withSuccess ? 'Running' : 'Pending',
        containers: [{ name: 'app', image: 'nginx:1.25' }],
        conditions: withSuccess
          ? {
              PodScheduled: T0,
              PodReadyToStartContainers: T0 + 1000,
              Initialized: T0,
              ContainersReady: T0 + 70_000,
              Ready: T0 + 70_000,
            }
          : { PodScheduled: T0, PodReadyToStartContainers: T0 + 1000, Initialized: T0 },
        statuses: withSuccess
          ? [{ name: 'app', startedMs: T0 + 69_000 }]
          : [{ name: 'app', waiting: 'ImagePullBackOff' }],
      }),
      ev('Pulling', 'Pulling image "nginx:1.25"', T0 + 1200, { count: 3, lastMs: T0 + 50_000 }),
      ev('Failed', 'Failed to pull image "nginx:1.25": rpc error: code = Unknown desc = 503', T0 + 2200, {
        count: 2,
        lastMs: T0 + 21_000,
      }),
      ev('Failed', 'Error: ErrImagePull', T0 + 2200, { count: 2, lastMs: T0 + 21_000 }),
      ev('BackOff', 'Back-off pulling image "nginx:1.25"', T0 + 3000, { count: 4, lastMs: T0 + 40_000 }),
      ev('Failed', 'Error: ImagePullBackOff', T0 + 3000, { count: 4, lastMs: T0 + 40_000 }),
    ]
    if (withSuccess) {
      objs.push(
        ev(
          'Pulled',
          'Successfully pulled image "nginx:1.25" in 18s (18.5s including waiting)',
          T0 + 68_500.5,
        ),
      )
      objs.push(ev('Started', 'Started container app', T0 + 69_000.75))
    }
    return objs
  }

  it('ErrImagePull / ImagePullBackOff still current -> failed with the reason', () => {
    const r = one(failingPull(false))
    expect(r.outcome).toBe('failed')
    expect(r.outcomeReason).toBe('ImagePullBackOff')
    expect(r.pulls[0]).toMatchObject({
      outcome: 'backoff',
      attempts: 3,
      failureReason: 'ImagePullBackOff',
      pullMs: null,
    })
    expect(r.phases.pull).toBeNull()
    expect(r.totalMs).toBeNull()
  })

  it('back-off then success: attempts from the aggregated Pulling count, wait from first Pulling to the successful pull', () => {
    const r = one(failingPull(true))
    expect(r.outcome).toBe('ready')
    expect(r.pulls[0]).toMatchObject({
      outcome: 'ok',
      attempts: 3,
      pullMs: 18_000,
      failureReason: 'ImagePullBackOff',
    })
    // the successful pull started at 68500.5 - 18000 = 50500.5; first Pulling at 1200.x
    expect(r.pulls[0]?.waitMs).toBe(Math.round(68_500.5 - 18_000 - 1200))
    const sum = ['scheduling', 'sandbox', 'init', 'pullWait', 'pull', 'start', 'ready'].reduce(
      (s, k) => s + (r.phases as never as Record<string, number>)[k]!,
      0,
    )
    expect(sum).toBe(r.totalMs)
  })

  it('FailedScheduling with eventTime and series (no firstTimestamp), then Scheduled', () => {
    const objs: KubeObject[] = [
      pod({
        uid: 'u1',
        name: 'web-1',
        createdMs: T0,
        node: 'node-a',
        phase: 'Running',
        containers: [{ name: 'app', image: 'a' }],
        conditions: { PodScheduled: T0 + 30_000, Ready: T0 + 40_000 },
      }),
      schedulerEvent({
        pod: 'web-1',
        uid: 'u1',
        reason: 'FailedScheduling',
        message: '0/3 nodes are available: 3 Insufficient cpu.',
        atMs: T0 + 10,
        series: { count: 4, lastMs: T0 + 25_000 },
      }),
      schedulerEvent({
        pod: 'web-1',
        uid: 'u1',
        reason: 'Scheduled',
        message: 'Successfully assigned default/web-1 to node-a',
        atMs: T0 + 30_123.456,
      }),
    ]
    const r = one(objs)
    expect(r.outcome).toBe('ready')
    expect(r.phases.scheduling).toBe(30_123)
    expect(r.boundaries.scheduled?.source).toBe('event-time')
  })

  it('unschedulable pod still pending at the end -> failed Unschedulable', () => {
    const r = one([
      pod({
        uid: 'u1',
        name: 'web-1',
        createdMs: T0,
        containers: [{ name: 'app', image: 'a' }],
        unschedulable: true,
      }),
      schedulerEvent({
        pod: 'web-1',
        uid: 'u1',
        reason: 'FailedScheduling',
        message: '0/1 nodes are available: 1 Insufficient nvidia.com/gpu.',
        atMs: T0 + 5,
        series: { count: 3, lastMs: T0 + 90_000 },
      }),
    ])
    expect(r).toMatchObject({ outcome: 'failed', outcomeReason: 'Unschedulable', node: null })
    expect(r.phases.scheduling).toBeNull()
  })

  it('FailedCreatePodSandBox current -> failed', () => {
    const r = one([
      pod({
        uid: 'u1',
        name: 'web-1',
        createdMs: T0,
        node: 'node-a',
        containers: [{ name: 'app', image: 'a' }],
        conditions: { PodScheduled: T0 },
      }),
      event({
        pod: 'web-1',
        uid: 'u1',
        reason: 'FailedCreatePodSandBox',
        message: 'Failed to create pod sandbox: rpc error: plugin type="calico" failed',
        atMs: T0 + 2000,
        count: 5,
        lastMs: T0 + 60_000,
      }),
    ])
    expect(r).toMatchObject({ outcome: 'failed', outcomeReason: 'FailedCreatePodSandBox' })
  })

  it('CrashLoopBackOff from container status', () => {
    const r = one([
      pod({
        uid: 'u1',
        name: 'web-1',
        createdMs: T0,
        node: 'node-a',
        phase: 'Running',
        containers: [{ name: 'app', image: 'a' }],
        conditions: { PodScheduled: T0 },
        statuses: [{ name: 'app', waiting: 'CrashLoopBackOff', restarts: 4 }],
      }),
      ev('BackOff', 'Back-off restarting failed container app in pod web-1_default(u1)', T0 + 9000, {
        count: 7,
        lastMs: T0 + 100_000,
      }),
    ])
    expect(r).toMatchObject({ outcome: 'failed', outcomeReason: 'CrashLoopBackOff' })
  })

  it('deleted before ready', () => {
    const engine = new LifecycleEngine({ cluster: 'test', graceMs: 0 })
    const p = pod({
      uid: 'u1',
      name: 'web-1',
      createdMs: T0,
      node: 'node-a',
      containers: [{ name: 'app', image: 'a' }],
      conditions: { PodScheduled: T0 },
    })
    engine.observe({ type: 'ADDED', object: p }, T0 + 300)
    engine.observe({ type: 'DELETED', object: p }, T0 + 5000)
    const records = engine.drain(T0 + 6000)
    expect(records[0]).toMatchObject({ outcome: 'deleted', totalMs: null })
  })

  it('a short Job completes without Ready; CronJob resolved through the Job object', () => {
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'nightly-28000000',
        namespace: 'default',
        ownerReferences: [{ kind: 'CronJob', name: 'nightly', controller: true }],
      },
    }
    const r = one([
      job,
      pod({
        uid: 'u1',
        name: 'nightly-28000000-x',
        createdMs: T0,
        node: 'node-a',
        phase: 'Succeeded',
        owner: { kind: 'Job', name: 'nightly-28000000' },
        containers: [{ name: 'app', image: 'a' }],
        conditions: { PodScheduled: T0 },
        statuses: [{ name: 'app', startedMs: T0 + 2000, finishedMs: T0 + 2900 }],
      }),
    ])
    expect(r).toMatchObject({
      outcome: 'completed',
      totalMs: null,
      workload: { kind: 'CronJob', name: 'nightly' },
    })
    expect(r.boundaries.finished?.source).toBe('status')
  })

  it('pending at the end of input, and a stuck pod emits pending then final', () => {
    expect(
      one([pod({ uid: 'u1', name: 'web-1', createdMs: T0, containers: [{ name: 'app', image: 'a' }] })]),
    ).toMatchObject({ outcome: 'pending', outcomeReason: null })
    const seen: Array<[string, boolean]> = []
    const engine = new LifecycleEngine({
      cluster: 'test',
      graceMs: 1000,
      stuckTimeoutMs: 60_000,
      onRecord: (r, f) => seen.push([r.outcome, f]),
    })
    const objs = happyPod()
    const stuck = pod({
      uid: 'u1',
      name: 'web-1',
      createdMs: T0,
      node: 'node-a',
      containers: [{ name: 'app', image: 'nginx:1.25' }],
      conditions: { PodScheduled: T0 },
    })
    engine.observe({ type: 'ADDED', object: stuck }, T0 + 500)
    engine.tick(T0 + 61_000)
    expect(seen).toEqual([['pending', false]])
    engine.observe({ type: 'MODIFIED', object: objs[0]! }, T0 + 70_000)
    engine.tick(T0 + 70_500)
    expect(seen).toHaveLength(1)
    engine.tick(T0 + 71_000)
    expect(seen).toEqual([
      ['pending', false],
      ['ready', true],
    ])
    expect(engine.stats().trackedPods).toBe(0)
    engine.observe({ type: 'ADDED', object: objs[2]! }, T0 + 72_000)
    expect(engine.stats().lateEventsDropped).toBe(1)
  })

  it('a name reused by a new UID is a different startup', () => {
    const a = happyPod()
    const b = happyPod({
      uid: 'u2',
      createdMs: T0 + 100_000,
      conditions: { PodScheduled: T0 + 100_100, Ready: T0 + 104_000 },
    })
    const records = analyze([...a, b[0]!])
    expect(records.map((r) => r.uid).sort()).toEqual(['u1', 'u2'])
    expect(records.find((r) => r.uid === 'u2')?.totalMs).toBe(4000)
    expect(records.find((r) => r.uid === 'u2')?.pulls).toEqual([])
  })
})

describe('watch precision, clock skew, owners', () => {
  it('uses watch receipt times bounded below by the whole-second stamp', () => {
    const engine = new LifecycleEngine({ cluster: 'test' })
    const base = { uid: 'u1', name: 'web-1', createdMs: T0, containers: [{ name: 'app', image: 'a' }] }
    engine.observe({ type: 'ADDED', object: pod(base) }, T0 + 40)
    engine.observe(
      { type: 'MODIFIED', object: pod({ ...base, node: 'node-a', conditions: { PodScheduled: T0 + 200 } }) },
      T0 + 210,
    )
    engine.observe(
      {
        type: 'MODIFIED',
        object: pod({
          ...base,
          node: 'node-a',
          phase: 'Running',
          conditions: {
            PodScheduled: T0 + 200,
            PodReadyToStartContainers: T0 + 1500,
            ContainersReady: T0 + 2100,
            Ready: T0 + 2100,
          },
        }),
      },
      T0 + 2123,
    )
    const [r] = engine.drain(T0 + 3000)
    expect(r?.boundaries.created).toMatchObject({ source: 'watch', at: new Date(T0 + 40).toISOString() })
    expect(r?.boundaries.scheduled).toMatchObject({ source: 'watch', at: new Date(T0 + 210).toISOString() })
    // the sandbox condition arrived with the Ready update, 123 ms after its second (1000..2000) ended:
    // the end of that second is the estimate, at whole-second precision
    expect(r?.boundaries.sandboxReady).toMatchObject({
      source: 'condition',
      at: new Date(T0 + 1999).toISOString(),
    })
    expect(r?.boundaries.ready).toMatchObject({ source: 'watch', at: new Date(T0 + 2123).toISOString() })
    expect(r?.totalMs).toBe(2083)
    expect(r?.fromStatusOnly).toBe(false)
  })

  it('clamps a boundary that runs ahead of the one before and counts it as clock skew', () => {
    const objs = happyPod()
    // the kubelet clock is 3 s behind the API server: Started before the sandbox
    objs[5] = ev('Started', 'Started container app', T0 - 3000)
    objs.splice(2, 2)
    const r = one(objs)
    expect(r.clockSkewClamps).toBeGreaterThanOrEqual(1)
    expect(r.clockSkewClampedMs).toBeGreaterThanOrEqual(4000)
    for (const v of Object.values(r.phases)) if (v !== null) expect(v).toBeGreaterThanOrEqual(0)
  })

  it('start remainder negative: pulls exceed the window, excess taken from the wait, sum stays exact', () => {
    const objs = happyPod({}, 'Successfully pulled image "nginx:1.25" in 2.5s (5.1s including waiting)')
    const r = one(objs)
    expect(r.clockSkewClamps).toBe(1)
    expect(r.phases.start).toBe(0)
    const sum =
      r.phases.scheduling! +
      r.phases.sandbox! +
      r.phases.init! +
      r.phases.pullWait! +
      r.phases.pull! +
      r.phases.start! +
      r.phases.ready!
    expect(sum).toBe(r.totalMs)
  })

  it('resolves owners: RS object, name+hash fallback, bare Job, StatefulSet/CloneSet direct', () => {
    const rs: KubeObject = {
      kind: 'ReplicaSet',
      apiVersion: 'apps/v1',
      metadata: {
        name: 'api-7d9f',
        namespace: 'default',
        ownerReferences: [{ kind: 'Deployment', name: 'api-v2', controller: true }],
      },
    }
    const mk = (uid: string, owner: { kind: string; name: string }, labels: Record<string, string> = {}) =>
      pod({ uid, name: `p-${uid}`, createdMs: T0, containers: [{ name: 'c', image: 'i' }], owner, labels })
    const records = analyze([
      rs,
      mk('a', { kind: 'ReplicaSet', name: 'api-7d9f' }),
      mk('b', { kind: 'ReplicaSet', name: 'web-5d567cc74c' }, { 'pod-template-hash': '5d567cc74c' }),
      mk('c', { kind: 'ReplicaSet', name: 'odd-name' }),
      mk('d', { kind: 'Job', name: 'backup-28911000' }),
      mk('e', { kind: 'StatefulSet', name: 'db' }),
      mk('f', { kind: 'CloneSet', name: 'shop' }),
      pod({ uid: 'g', name: 'bare', createdMs: T0, containers: [{ name: 'c', image: 'i' }] }),
    ])
    const by = Object.fromEntries(records.map((r) => [r.uid, r.workload]))
    expect(by).toEqual({
      a: { kind: 'Deployment', name: 'api-v2' },
      b: { kind: 'Deployment', name: 'web' },
      c: { kind: 'ReplicaSet', name: 'odd-name' },
      d: { kind: 'Job', name: 'backup-28911000' },
      e: { kind: 'StatefulSet', name: 'db' },
      f: { kind: 'CloneSet', name: 'shop' },
      g: null,
    })
  })

  it('pods first seen already Ready without events are rebuilt from status only', () => {
    const r = one([happyPod()[0]!])
    expect(r.fromStatusOnly).toBe(true)
    expect(one(happyPod()).fromStatusOnly).toBe(false)
  })

  it('events before their pod, events.k8s.io/v1 shape, and bad input never throw', () => {
    const engine = new LifecycleEngine({ cluster: 'test' })
    const v1Event: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'web-1.17f0000000000000', namespace: 'default' },
      regarding: {
        kind: 'Pod',
        name: 'web-1',
        namespace: 'default',
        uid: 'u1',
        fieldPath: 'spec.containers{app}',
      },
      reason: 'Pulled',
      note: 'Successfully pulled image "nginx:1.25" in 1.5s (1.5s including waiting)',
      reportingController: 'kubelet',
      reportingInstance: 'node-a',
      deprecatedFirstTimestamp: new Date(T0 + 3000).toISOString(),
      deprecatedCount: 1,
      eventTime: null,
    }
    engine.observe({ type: 'ADDED', object: v1Event }, T0 + 3100)
    engine.observe(null as never, 0)
    engine.observe({ type: 'WHAT', object: {} } as never, 0)
    engine.observe({ type: 'ADDED', object: { kind: 'Pod', metadata: {} } }, 0)
    engine.observe({ type: 'ADDED', object: { kind: 'Gizmo', metadata: {} } }, 0)
    engine.observe({ type: 'ADDED', object: happyPod()[0]! }, T0 + 7000)
    const [r] = engine.drain(T0 + 8000)
    expect(r?.pulls[0]).toMatchObject({ pullMs: 1500, waitMs: 0 })
    expect(engine.stats().rejects).toMatchObject({
      'not-an-object': 1,
      'bad-watch-type': 1,
      'pod-without-uid-or-name': 1,
      'unknown-kind:Gizmo': 1,
    })
  })
})
