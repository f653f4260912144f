// The simulated API server against real clients: @kubernetes/client-node (informers, paging, raw watch, leases),
// kubectl, and a Prometheus text parser on the kubelet metrics.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  ListWatch,
  makeInformer,
  type V1Lease,
  Watch,
} from '@kubernetes/client-node'
import { Lease } from 'kubernetes-models/coordination.k8s.io/v1/Lease'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KUBELET_HISTOGRAMS } from '../kube/kubelet-metrics.ts'
import { histogramSeries, parseExposition } from '../kube/prometheus-text.ts'
import { type SimulatedCluster, startSimulatedCluster } from './index.ts'

const run = promisify(execFile)
// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API server under test
type Json = any
const json = async (res: Response): Promise<Json> => (await res.json()) as Json

function kubeConfigFor(sim: SimulatedCluster): KubeConfig {
  const kc = new KubeConfig()
  kc.loadFromString(sim.kubeconfig())
  return kc
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)
  })
  try {
    return await Promise.race([p, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Watches pods with an informer and resolves once it holds every pod the simulator created. */
async function informAllPods(sim: SimulatedCluster, timeoutMs: number) {
  const kc = kubeConfigFor(sim)
  const core = kc.makeApiClient(CoreV1Api)
  let lists = 0
  let connects = 0
  const informer = makeInformer(kc, '/api/v1/pods', () => {
    lists++
    return core.listPodForAllNamespaces()
  })
  const seen = new Set<string>()
  informer.on('add', (p) => seen.add(p.metadata?.uid as string))
  informer.on('connect', () => connects++)
  const errors: unknown[] = []
  // The informer does not restart itself on errors other than 410; a real collector restarts it.
  informer.on('error', (err) => {
    errors.push(err)
    setTimeout(() => void informer.start(), 200)
  })
  await informer.start()
  await withTimeout(sim.done, timeoutMs, 'simulation done')
  const truth = sim.truth()
  await until(() => truth.every((r) => seen.has(r.uid)), 10_000, 'the informer to see every pod')
  await informer.stop()
  return { truth, seen, lists: () => lists, connects: () => connects, errors }
}

describe('simulated API server with real clients', () => {
  let sim: SimulatedCluster
  let kc: KubeConfig
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'podstart-sim-'))
    sim = await startSimulatedCluster({ scenario: 'fast', seed: 3, speed: 5, pods: 30, rate: 30 })
    kc = kubeConfigFor(sim)
  })
  afterAll(async () => {
    await sim?.stop()
  })

  it('feeds makeInformer on pods and a field-selected events ListWatch with every pod', async () => {
    const core = kc.makeApiClient(CoreV1Api)
    const selector = 'involvedObject.kind=Pod'
    const events = new ListWatch<KubernetesObject & { involvedObject?: { uid?: string; kind?: string } }>(
      '/api/v1/events',
      new Watch(kc),
      () => core.listEventForAllNamespaces({ fieldSelector: selector }),
      false,
      undefined,
      selector,
    )
    const eventPods = new Set<string>()
    events.on('add', (e) => {
      expect(e.involvedObject?.kind).toBe('Pod')
      eventPods.add(e.involvedObject?.uid as string)
    })
    await events.start()
    const { truth, seen } = await informAllPods(sim, 30_000)
    expect(truth.length).toBe(30)
    expect(truth.every((r) => seen.has(r.uid))).toBe(true)
    await until(() => truth.every((r) => eventPods.has(r.uid)), 10_000, 'events of every pod')
    await events.stop()
  })

  it('pages LISTs with limit and continue', async () => {
    const core = kc.makeApiClient(CoreV1Api)
    const all = await core.listEventForAllNamespaces()
    const names: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const page = await core.listEventForAllNamespaces({ limit: 25, _continue: token })
      names.push(...page.items.map((e) => `${e.metadata?.namespace}/${e.metadata?.name}`))
      token = page.metadata?._continue
      pages++
      expect(page.metadata?.resourceVersion).toBeTruthy()
    } while (token)
    expect(pages).toBeGreaterThan(2)
    expect(new Set(names).size).toBe(names.length)
    expect(names.length).toBe(all.items.length)
    expect(all.kind).toBe('EventList')
  })

  it('streams ADDED and MODIFIED through a raw Watch from a list resourceVersion', async () => {
    const sim2 = await startSimulatedCluster({ scenario: 'fast', seed: 5, speed: 5, pods: 10, rate: 10 })
    try {
      const kc2 = kubeConfigFor(sim2)
      const list = await kc2.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'shop' })
      const types = new Map<string, number>()
      const watch = new Watch(kc2)
      const controller = await watch.watch(
        '/api/v1/namespaces/shop/pods',
        { resourceVersion: list.metadata?.resourceVersion },
        (type) => types.set(type, (types.get(type) ?? 0) + 1),
        () => {},
      )
      await until(
        () => (types.get('ADDED') ?? 0) > 0 && (types.get('MODIFIED') ?? 0) > 0,
        15_000,
        'ADDED and MODIFIED',
      )
      controller.abort()
    } finally {
      await sim2.stop()
    }
  })

  it('sends BOOKMARKs on an idle watch and a 410 for a version older than the history', async () => {
    const rv = sim.stats().resourceVersion
    const res = await fetch(
      `${sim.url}/api/v1/nodes?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`,
    )
    expect(res.status).toBe(200)
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const { value } = await withTimeout(reader.read(), 12_000, 'a bookmark')
    const line = JSON.parse(new TextDecoder().decode(value).split('\n')[0] as string)
    expect(line.type).toBe('BOOKMARK')
    expect(Number(line.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(rv)
    await reader.cancel()
    const old = await fetch(`${sim.url}/api/v1/pods?watch=1&resourceVersion=1`)
    if (old.status === 410) {
      expect((await json(old)).reason).toBe('Expired')
    } else {
      const text = await old.text()
      expect(JSON.parse(text.split('\n')[0] as string)).toMatchObject({
        type: 'ERROR',
        object: { code: 410 },
      })
    }
  })

  it('creates, reads and updates leases, and refuses a stale resourceVersion with 409', async () => {
    const coord = kc.makeApiClient(CoordinationV1Api)
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'podstart-collector', namespace: 'shop' },
      spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: new Date(), renewTime: new Date() },
    }
    const created = await coord.createNamespacedLease({ namespace: 'shop', body })
    const read = await coord.readNamespacedLease({ name: 'podstart-collector', namespace: 'shop' })
    expect(read.spec?.holderIdentity).toBe('a')
    const v1 = read.metadata?.resourceVersion
    const updated = await coord.replaceNamespacedLease({
      name: 'podstart-collector',
      namespace: 'shop',
      body: { ...read, spec: { ...read.spec, holderIdentity: 'b' } },
    })
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(v1))
    const stale = coord.replaceNamespacedLease({
      name: 'podstart-collector',
      namespace: 'shop',
      body: { ...read, spec: { ...read.spec, holderIdentity: 'c' } },
    })
    await expect(stale).rejects.toMatchObject({ code: 409 })
    const dup = coord.createNamespacedLease({ namespace: 'shop', body })
    await expect(dup).rejects.toMatchObject({ code: 409 })
    const raw = await json(
      await fetch(`${sim.url}/apis/coordination.k8s.io/v1/namespaces/shop/leases/podstart-collector`),
    )
    expect(raw.spec.holderIdentity).toBe('b')
    expect(created.metadata?.uid).toBe(raw.metadata.uid)
    new Lease(raw).validate()
  })

  it('serves kubelet metrics whose pull counts equal the pulls simulated on that node', async () => {
    await withTimeout(sim.done, 30_000, 'simulation done')
    const truth = sim.truth()
    const nodes = await kc.makeApiClient(CoreV1Api).listNode()
    const modern = nodes.items.filter((n) => Number(n.status?.nodeInfo?.kubeletVersion.split('.')[1]) >= 30)
    expect(modern.length).toBeGreaterThan(0)
    let checked = 0
    for (const node of modern) {
      const name = node.metadata?.name as string
      const text = await (await fetch(`${sim.url}/api/v1/nodes/${name}/proxy/metrics`)).text()
      // The same exposition parser the collector's kubelet scrape uses (tested against prom-client's output).
      const { types } = parseExposition(text)
      expect(types.get('kubelet_pod_start_sli_duration_seconds')).toBe('histogram')
      expect(types.get('kubelet_pod_start_total_duration_seconds')).toBe('histogram')
      expect(types.get('kubelet_runtime_operations_duration_seconds')).toBe('histogram')
      const series = histogramSeries(text, KUBELET_HISTOGRAMS)
      const imagePulls = series
        .filter((h) => h.name === 'kubelet_image_pull_duration_seconds')
        .reduce((n, h) => n + h.count, 0)
      for (const h of series) {
        expect(h.buckets.at(-1)?.count, `${h.name} +Inf bucket equals _count`).toBe(h.count)
      }
      const runtimePulls = series
        .filter(
          (h) =>
            h.name === 'kubelet_runtime_operations_duration_seconds' &&
            h.labels.operation_type === 'pull_image',
        )
        .reduce((n, h) => n + h.count, 0)
      const simulated = truth
        .filter((r) => r.node === name)
        .flatMap((r) => r.pulls)
        .filter((p) => !p.cached && p.outcome === 'ok').length
      expect(imagePulls, name).toBe(simulated)
      expect(runtimePulls, name).toBe(simulated)
      if (simulated === 0) continue
      checked += simulated
    }
    expect(checked).toBeGreaterThan(0)
  })

  it('answers kubectl get pods -A and get events -A', async () => {
    const candidates = [process.env.KUBECTL, 'kubectl', '/opt/kubectl-1.20/usr/bin/kubectl'].filter(
      (k): k is string => !!k && (!k.startsWith('/') || existsSync(k)),
    )
    const path = join(dir, 'kubeconfig')
    await sim.writeKubeconfig(path)
    const pod = sim.truth()[0]?.pod as string
    let ran = 0
    for (const kubectl of candidates) {
      let out: { stdout: string }
      try {
        out = await run(kubectl, ['--kubeconfig', path, 'get', 'pods', '-A'], { timeout: 30_000 })
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw err
      }
      ran++
      expect(out.stdout).toMatch(/NAMESPACE\s+NAME\s+READY\s+STATUS/)
      expect(out.stdout).toContain(pod)
      const events = await run(kubectl, ['--kubeconfig', path, 'get', 'events', '-A'], { timeout: 30_000 })
      expect(events.stdout).toContain(`pod/${pod}`)
      expect(events.stdout).toMatch(/Scheduled/)
    }
    // kubectl is required: install Debian's kubernetes-client (or set KUBECTL) to run this suite.
    expect(ran, 'no kubectl found on PATH or in KUBECTL').toBeGreaterThan(0)
  })
})

describe('simulated cluster determinism', () => {
  it('gives the same truth for the same seed when served live, and another for another seed', async () => {
    const startAtMs = Date.UTC(2026, 10, 22, 10)
    const truthOf = async (seed: number) => {
      const sim = await startSimulatedCluster({
        scenario: 'fast',
        seed,
        speed: 10,
        pods: 8,
        rate: 40,
        startAtMs,
      })
      try {
        await withTimeout(sim.done, 20_000, 'simulation done')
        return sim
          .truth()
          .map((r) => ({ pod: r.pod, createdAt: r.createdAt, totalMs: r.totalMs, phases: r.phases }))
      } finally {
        await sim.stop()
      }
    }
    const [a, b, c] = [await truthOf(21), await truthOf(21), await truthOf(22)]
    expect(a).toHaveLength(8)
    expect(b).toEqual(a)
    expect(c).not.toEqual(a)
  })
})

describe('simulated API server faults', () => {
  it('keeps an informer complete across fault-closed watches (it reconnects)', async () => {
    const sim = await startSimulatedCluster({
      scenario: 'fast',
      seed: 6,
      speed: 5,
      pods: 20,
      rate: 10,
      faults: 'close-watch=400ms',
    })
    try {
      const r = await informAllPods(sim, 30_000)
      expect(r.connects()).toBeGreaterThan(2)
      expect(r.truth.every((x) => r.seen.has(x.uid))).toBe(true)
    } finally {
      await sim.stop()
    }
  })

  it('makes an informer relist on 410 after compaction and still see every pod', async () => {
    const sim = await startSimulatedCluster({
      scenario: 'fast',
      seed: 7,
      speed: 5,
      pods: 20,
      rate: 10,
      faults: 'compact=500ms',
    })
    try {
      const first = await fetch(`${sim.url}/api/v1/nodes?limit=1`)
      const token = (await json(first)).metadata.continue as string
      expect(token).toBeTruthy()
      const r = await informAllPods(sim, 30_000)
      expect(r.lists()).toBeGreaterThan(1)
      const expired = await fetch(`${sim.url}/api/v1/nodes?limit=1&continue=${encodeURIComponent(token)}`)
      expect(expired.status).toBe(410)
      expect((await json(expired)).reason).toBe('Expired')
      expect(sim.manifest().map((m) => m.kind)).toContain('expired-events')
      expect(r.truth.every((x) => r.seen.has(x.uid))).toBe(true)
    } finally {
      await sim.stop()
    }
  })

  it('answers 500 inside the error window and recovers after it', async () => {
    const sim = await startSimulatedCluster({
      scenario: 'fast',
      seed: 8,
      speed: 5,
      pods: 5,
      faults: 'error500=0s+600ms',
    })
    try {
      const during = await fetch(`${sim.url}/api/v1/pods`)
      expect(during.status).toBe(500)
      expect((await json(during)).reason).toBe('InternalError')
      await new Promise((r) => setTimeout(r, 700))
      const after = await fetch(`${sim.url}/api/v1/pods`)
      expect(after.status).toBe(200)
      expect((await json(after)).kind).toBe('PodList')
    } finally {
      await sim.stop()
    }
  })
})

describe('simulated API server stall fault', () => {
  it('holds watch events during a stall and delivers them after it', async () => {
    const sim = await startSimulatedCluster({
      scenario: 'fast',
      seed: 9,
      speed: 5,
      pods: 10,
      rate: 20,
      faults: 'stall=0s+1500ms',
    })
    try {
      const res = await fetch(
        `${sim.url}/api/v1/pods?watch=true&resourceVersion=${sim.stats().resourceVersion}`,
      )
      const reader = (res.body as ReadableStream<Uint8Array>).getReader()
      const arrivals: number[] = []
      const started = Date.now()
      const reading = (async () => {
        for (;;) {
          const { value, done } = await reader.read()
          if (done) return
          for (const line of new TextDecoder().decode(value).split('\n'))
            if (line) arrivals.push(Date.now() - started)
        }
      })()
      await until(() => arrivals.length > 5, 10_000, 'events after the stall')
      await reader.cancel()
      await reading.catch(() => {})
      expect(sim.stats().podsCreated).toBeGreaterThan(0)
      expect(Math.min(...arrivals)).toBeGreaterThanOrEqual(1300)
    } finally {
      await sim.stop()
    }
  })
})
