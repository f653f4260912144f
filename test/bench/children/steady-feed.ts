// A synthetic API server for the steady-state bench: N running pods on M nodes served as a paged LIST, then a
// constant stream of new pods (created -> scheduled -> started -> Ready, with kubelet events) on the watches.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { kubeconfigYaml } from '@podstart/collector/sim'
import { childArgs, onStop, report } from '../child.ts'
import { resourceOfPath } from '../watch-paths.ts'

const args = childArgs<{ pods: number; nodes: number; perMinute: number; startupMs: number }>()
let rv = 1000
const iso = (ms: number) => new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z')
const nodeName = (i: number) => `node-${i % args.nodes}`

function pod(i: number, createdMs: number, stage: 0 | 1 | 2 | 3): object {
  const name = `app-${i % 400}-${i.toString(36)}`
  const ns = `ns-${i % 40}`
  const cond = (type: string, at: number | null) => ({
    type,
    status: at === null ? 'False' : 'True',
    lastTransitionTime: iso(at ?? createdMs),
  })
  const sched = createdMs + 1000
  const started = createdMs + args.startupMs / 2
  const ready = createdMs + args.startupMs
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace: ns,
      uid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      resourceVersion: String(++rv),
      creationTimestamp: iso(createdMs),
      labels: { app: `app-${i % 400}`, 'pod-template-hash': '5d8f7c9b6' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `app-${i % 400}-5d8f7c9b6`,
          uid: `rs-${i % 400}`,
          controller: true,
        },
      ],
    },
    spec: {
      ...(stage >= 1 ? { nodeName: nodeName(i) } : {}),
      containers: [
        {
          name: 'app',
          image: `registry.example.com/team/app-${i % 400}:v3`,
          imagePullPolicy: 'IfNotPresent',
        },
      ],
    },
    status: {
      phase: stage >= 2 ? 'Running' : 'Pending',
      conditions: [
        cond('PodScheduled', stage >= 1 ? sched : null),
        ...(stage >= 2 ? [cond('PodReadyToStartContainers', sched + 500), cond('Initialized', sched)] : []),
        cond('ContainersReady', stage >= 3 ? ready : null),
        cond('Ready', stage >= 3 ? ready : null),
      ],
      ...(stage >= 2
        ? {
            containerStatuses: [
              {
                name: 'app',
                image: `registry.example.com/team/app-${i % 400}:v3`,
                ready: stage >= 3,
                restartCount: 0,
                started: true,
                state: { running: { startedAt: iso(started) } },
              },
            ],
          }
        : {}),
    },
  }
}

function event(i: number, reason: string, message: string, atMs: number, component = 'kubelet'): object {
  const p = pod(i, atMs, 0) as { metadata: { name: string; namespace: string; uid: string } }
  rv--
  return {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: {
      name: `${p.metadata.name}.${(atMs * 1e6).toString(16)}${reason.length}`,
      namespace: p.metadata.namespace,
      resourceVersion: String(++rv),
      creationTimestamp: iso(atMs),
    },
    involvedObject: {
      kind: 'Pod',
      name: p.metadata.name,
      namespace: p.metadata.namespace,
      uid: p.metadata.uid,
      ...(component === 'kubelet' ? { fieldPath: 'spec.containers{app}' } : {}),
    },
    reason,
    message,
    source: { component, ...(component === 'kubelet' ? { host: nodeName(i) } : {}) },
    firstTimestamp: iso(atMs),
    lastTimestamp: iso(atMs),
    count: 1,
    type: 'Normal',
  }
}

const start = Date.now()
const existing = Array.from({ length: args.pods }, (_, i) => i)
const watchers: Record<'pods' | 'events', Set<ServerResponse>> = { pods: new Set(), events: new Set() }
let sent = 0
const emit = (resource: 'pods' | 'events', type: string, object: object) => {
  const line = `${JSON.stringify({ type, object })}\n`
  sent++
  for (const w of watchers[resource]) w.write(line)
}

function list(resource: string, url: URL): object {
  const limit = Number(url.searchParams.get('limit') ?? 500)
  const from = Number(url.searchParams.get('continue') ?? 0)
  if (resource === 'nodes') {
    const items = Array.from({ length: args.nodes }, (_, i) => ({
      kind: 'Node',
      apiVersion: 'v1',
      metadata: {
        name: nodeName(i),
        uid: `node-${i}`,
        resourceVersion: '1000',
        creationTimestamp: iso(start - 86400e3),
        labels: { 'node.kubernetes.io/instance-type': 'm5.xlarge' },
      },
      status: {
        nodeInfo: {
          containerRuntimeVersion: 'containerd://1.7.13',
          kubeletVersion: 'v1.30.4',
          osImage: 'Debian',
          kernelVersion: '6.1',
          architecture: 'amd64',
        },
      },
    }))
    return { kind: 'List', metadata: { resourceVersion: String(rv) }, items }
  }
  if (resource !== 'pods') return { kind: 'List', metadata: { resourceVersion: String(rv) }, items: [] }
  const items = existing.slice(from, from + limit).map((i) => pod(i, start - 3_600_000 - i, 3))
  const next = from + limit < existing.length ? String(from + limit) : undefined
  return {
    kind: 'PodList',
    metadata: { resourceVersion: String(rv), ...(next ? { continue: next } : {}) },
    items,
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://feed')
  const resource = resourceOfPath(url.pathname)
  if (!resource) {
    res.writeHead(404).end()
    return
  }
  if (url.searchParams.get('watch') !== 'true') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(list(resource, url)))
    return
  }
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.flushHeaders()
  if (resource === 'pods' || resource === 'events') {
    watchers[resource].add(res)
    res.on('close', () => watchers[resource].delete(res))
  }
})
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

// New pods once the parent says go: each walks its stages over startupMs, with the kubelet's events.
let next = args.pods
const timers: NodeJS.Timeout[] = []
function startPod(i: number): void {
  const created = Date.now()
  emit('pods', 'ADDED', pod(i, created, 0))
  const at = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms))
  at(1000, () => {
    emit('pods', 'MODIFIED', pod(i, created, 1))
    emit(
      'events',
      'ADDED',
      event(
        i,
        'Scheduled',
        `Successfully assigned ns/pod to ${nodeName(i)}`,
        Date.now(),
        'default-scheduler',
      ),
    )
  })
  at(args.startupMs / 2, () => {
    const now = Date.now()
    emit(
      'events',
      'ADDED',
      event(
        i,
        'Pulled',
        `Container image "registry.example.com/team/app-${i % 400}:v3" already present on machine`,
        now,
      ),
    )
    emit('events', 'ADDED', event(i, 'Created', 'Created container: app', now))
    emit('events', 'ADDED', event(i, 'Started', 'Started container: app', now))
    emit('pods', 'MODIFIED', pod(i, created, 2))
  })
  at(args.startupMs, () => emit('pods', 'MODIFIED', pod(i, created, 3)))
}
// Pods held mid-startup (containers started, never Ready until released): the heap they cost is measured
// against the heap with none, over thousands of pods so the figure stands above the heap's own noise.
const held: Array<{ i: number; created: number }> = []
async function hold(count: number): Promise<void> {
  for (let k = 0; k < count; k++) {
    const i = next++
    const created = Date.now()
    held.push({ i, created })
    emit('pods', 'ADDED', pod(i, created, 0))
    emit('pods', 'MODIFIED', pod(i, created, 1))
    emit(
      'events',
      'ADDED',
      event(i, 'Scheduled', `Successfully assigned ns/pod to ${nodeName(i)}`, created, 'default-scheduler'),
    )
    // Every event a started container has, so each pod holds the most state it can before Ready.
    const image = `registry.example.com/team/app-${i % 400}:v3`
    emit('events', 'ADDED', event(i, 'Pulling', `Pulling image "${image}"`, created))
    emit(
      'events',
      'ADDED',
      event(
        i,
        'Pulled',
        `Successfully pulled image "${image}" in 1.2s (1.2s including waiting). Image size: 52428800 bytes.`,
        created,
      ),
    )
    emit('events', 'ADDED', event(i, 'Created', 'Created container: app', created))
    emit('events', 'ADDED', event(i, 'Started', 'Started container: app', created))
    emit('pods', 'MODIFIED', pod(i, created, 2))
    if (k % 500 === 499) await new Promise((r) => setImmediate(r))
  }
  report({ type: 'held', count: held.length, sent })
}
function release(): void {
  for (const h of held.splice(0)) emit('pods', 'MODIFIED', pod(h.i, h.created, 3))
  report({ type: 'released', sent })
}

let creator: NodeJS.Timeout | null = null
process.on('message', (m) => {
  const msg = m as { type?: string; count?: number }
  if (msg.type === 'hold') {
    void hold(msg.count ?? 1000)
    return
  }
  if (msg.type === 'release') {
    release()
    return
  }
  if (msg.type === 'pause' && creator) {
    clearInterval(creator)
    return
  }
  if ((m as { type?: string }).type !== 'go' || creator) return
  const every = 60_000 / args.perMinute
  const t0 = Date.now()
  let made = 0
  creator = setInterval(() => {
    const due = Math.floor((Date.now() - t0) / every)
    while (made < due) {
      startPod(next++)
      made++
    }
  }, 20)
})
const ticker = setInterval(() => report({ type: 'stats', sent, created: next - args.pods }), 250)
report({ type: 'ready', url, kubeconfig: kubeconfigYaml(url, 'sim') })
onStop(() => {
  clearInterval(ticker)
  if (creator) clearInterval(creator)
  for (const t of timers) clearTimeout(t)
  for (const set of Object.values(watchers)) for (const w of set) w.destroy()
  server.close()
})
