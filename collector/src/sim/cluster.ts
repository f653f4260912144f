// A running simulated cluster: the model advanced by the wall clock, feeding the store behind the HTTP API server.
import { writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { StartupRecord } from '@podstart/schema/record'
import { type FaultSpec, parseFaults } from './faults.ts'
import { ClusterModel } from './model.ts'
import type { InjectedProblem } from './plan.ts'
import { SeededRandom } from './random.ts'
import { loadScenario } from './scenario.ts'
import { createApiHandler } from './server.ts'
import { ObjectStore } from './store.ts'
import { WatchHub } from './watch.ts'

export interface SimOptions {
  port?: number
  seed?: number
  scenario?: string
  pods?: number
  rate?: number
  speed?: number
  faults?: string | FaultSpec
  cluster?: string
  startAtMs?: number
  /** Serve at once but create the first pod only after this many ms of real time (lets watchers connect first). */
  startDelayMs?: number
}

export interface SimulatedCluster {
  url: string
  port: number
  kubeconfig(): string
  writeKubeconfig(path: string): Promise<void>
  truth(): StartupRecord[]
  manifest(): InjectedProblem[]
  done: Promise<void>
  stats(): { podsCreated: number; eventsEmitted: number; watchers: number; resourceVersion: number }
  stop(): Promise<void>
}

const TICK_MS = 10
const BOOKMARK_EVERY_MS = 4000

export function kubeconfigYaml(url: string, cluster: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: ${cluster}
  cluster:
    server: ${url}
    insecure-skip-tls-verify: true
users:
- name: ${cluster}-user
  user:
    token: podstart-simulated-cluster
contexts:
- name: ${cluster}
  context:
    cluster: ${cluster}
    user: ${cluster}-user
current-context: ${cluster}
`
}

export async function startSimulatedCluster(opts: SimOptions = {}): Promise<SimulatedCluster> {
  const scenario = loadScenario(opts.scenario ?? 'mixed')
  const faults = parseFaults(opts.faults)
  const speed = opts.speed ?? 1
  if (!(speed > 0)) throw new Error(`speed must be above 0, got ${speed}`)
  const pods = opts.pods ?? scenario.pods
  const rate = opts.rate ?? scenario.rate
  if (!(rate > 0)) throw new Error(`rate must be above 0 pods per second, got ${rate}`)
  const cluster = opts.cluster ?? 'sim'
  const realStart = Date.now()
  const delay = Math.max(0, opts.startDelayMs ?? 0)
  // With a delay the model runs on the wall clock and its plan begins `delay` ms from now.
  const startAtMs = opts.startAtMs ?? realStart + delay
  const clock = () => Date.now() - realStart + startAtMs - delay
  const store = new ObjectStore()
  const model = new ClusterModel(
    {
      scenario,
      seed: opts.seed ?? 1,
      pods,
      rate,
      speed,
      startAtMs,
      cluster,
      dropEventShare: Math.max(
        faults.dropEvents ?? 0,
        scenario.problems.find((p) => p.kind === 'dropped-events')?.share ?? 0,
      ),
      extraEventDelayMs: faults.delayEventsMs ?? 0,
    },
    (w) => store.apply(w.resource, w.type, w.object),
  )
  const since = () => Date.now() - realStart
  const inWindow = (w: { fromMs: number; forMs: number } | undefined) =>
    !!w && since() >= w.fromMs && since() < w.fromMs + w.forMs
  const hub = new WatchHub(store, BOOKMARK_EVERY_MS, () => inWindow(faults.stall))
  const uidRng = new SeededRandom((opts.seed ?? 1) ^ 0x1ea5e)
  const handler = createApiHandler({
    store,
    hub,
    nodeMetrics: (node) => model.metrics.get(node)?.render(),
    failing: () => inWindow(faults.error500),
    now: clock,
    newUid: () => uidRng.uuid(),
  })
  const server: Server = createServer(handler)
  const sockets = new Set<import('node:net').Socket>()
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  model.advanceTo(clock())

  let resolveDone: () => void = () => {}
  const done = new Promise<void>((r) => {
    resolveDone = r
  })
  let wasStalled = false
  const eventTtl = scenario.eventTtlMs / speed
  let lastExpiry = 0
  const tick = () => {
    model.advanceTo(clock())
    const stalled = inWindow(faults.stall)
    if (wasStalled && !stalled) hub.flushHeld()
    wasStalled = stalled
    if (since() - lastExpiry > 1000) {
      lastExpiry = since()
      expireEvents(store, clock() - eventTtl)
    }
    if (model.allFinal()) resolveDone()
  }
  const timers: NodeJS.Timeout[] = [setInterval(tick, TICK_MS)]
  if (faults.closeWatchEveryMs) timers.push(setInterval(() => hub.closeAll(), faults.closeWatchEveryMs))
  if (faults.compactEveryMs) {
    timers.push(
      setInterval(() => {
        store.compact()
        hub.expireAll(`too old resource version: the history was compacted at ${store.compactedRv}`)
      }, faults.compactEveryMs),
    )
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}`
  let stopped = false

  return {
    url,
    port,
    kubeconfig: () => kubeconfigYaml(url, cluster),
    writeKubeconfig: (path) => writeFile(path, kubeconfigYaml(url, cluster), { mode: 0o600 }),
    truth: () => model.truth(true),
    manifest: () => [...model.manifest(), ...faultManifest(faults, startAtMs, clock(), cluster)],
    done,
    stats: () => ({
      podsCreated: model.pods.length,
      eventsEmitted: model.eventsEmitted,
      watchers: hub.watchers.size,
      resourceVersion: store.resourceVersion,
    }),
    stop: async () => {
      if (stopped) return
      stopped = true
      for (const t of timers) clearInterval(t)
      hub.closeAll()
      const closed = new Promise<void>((r) => server.close(() => r()))
      for (const s of sockets) s.destroy()
      await closed
    },
  }
}

/** The API server faults of the run, in the manifest's terms. */
function faultManifest(f: FaultSpec, from: number, to: number, cluster: string): InjectedProblem[] {
  const out: InjectedProblem[] = []
  const add = (kind: string, fromMs: number, toMs: number, detail: Record<string, unknown>) =>
    out.push({
      kind,
      scope: { cluster },
      fromMs,
      toMs: Math.max(fromMs, toMs),
      detail: { fault: true, ...detail },
    })
  if (f.dropEvents) add('dropped-events', from, to, { share: f.dropEvents })
  if (f.delayEventsMs) add('delayed-events', from, to, { delayMs: f.delayEventsMs })
  if (f.closeWatchEveryMs) add('watch-closed', from, to, { everyMs: f.closeWatchEveryMs })
  if (f.compactEveryMs) add('expired-events', from, to, { compactEveryMs: f.compactEveryMs, status: 410 })
  if (f.error500)
    add('api-errors', from + f.error500.fromMs, from + f.error500.fromMs + f.error500.forMs, { status: 500 })
  if (f.stall) add('watch-stall', from + f.stall.fromMs, from + f.stall.fromMs + f.stall.forMs, {})
  return out
}

/** Events expire from the API server after the event TTL (kube-apiserver --event-ttl, 1 h by default). */
function expireEvents(store: ObjectStore, before: number): void {
  const old: import('./model-types.ts').ServedKubeObject[] = []
  for (const e of store.all('events')) {
    const created = Date.parse(e.metadata.creationTimestamp ?? '')
    if (created < before) old.push(e)
  }
  for (const e of old) store.apply('events', 'DELETED', structuredClone(e))
}
