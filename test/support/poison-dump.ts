// Composes kubectl-shaped pods and kubelet events for tests beyond the simulator's comfort: good pods with
// their events, and poison ones (a pod created 60 days before its Ready flapped, a forged `in 99999999h` pull,
// creation times in 1899, 2400 and 9999). Times are relative to `nowMs` so retention never ages them out.

type Obj = Record<string, unknown>

const sec = (ms: number) => `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`

export interface PodSpecInput {
  name: string
  uid: string
  namespace?: string
  createdMs: number
  /** Absolute creation timestamp text, for times a Date cannot print (year 9999) or below 1900. */
  createdText?: string
  readyMs: number
  image?: string
  containers?: number
  /** The Pulled message's duration text, default a real one. */
  pulledIn?: string
  node?: string
}

function container(i: number, image: string) {
  return { name: `c${i}`, image, imagePullPolicy: 'IfNotPresent' }
}

/** A Ready pod (List item) and its kubelet and scheduler events. */
export function podWithEvents(p: PodSpecInput): { pod: Obj; events: Obj[] } {
  const ns = p.namespace ?? 'shop'
  const node = p.node ?? 'node-1'
  const image = p.image ?? 'registry.example/shop/app:1.0'
  const n = p.containers ?? 1
  const created = p.createdText ?? sec(p.createdMs)
  const scheduled = p.createdMs + 100
  const pulling = p.createdMs + 1_000
  const pulled = p.createdMs + 2_200
  const started = p.createdMs + 2_500
  const pod: Obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: ns, uid: p.uid, creationTimestamp: created, resourceVersion: '1' },
    spec: { nodeName: node, containers: [...Array(n).keys()].map((i) => container(i, image)) },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: sec(scheduled) },
        { type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: sec(p.createdMs + 900) },
        { type: 'Initialized', status: 'True', lastTransitionTime: sec(p.createdMs + 900) },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: sec(p.readyMs) },
        { type: 'Ready', status: 'True', lastTransitionTime: sec(p.readyMs) },
      ],
      containerStatuses: [...Array(n).keys()].map((i) => ({
        name: `c${i}`,
        image,
        imageID: `${image}@sha256:${'a'.repeat(64)}`,
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: sec(started) } },
      })),
    },
  }
  const involved = (i?: number) => ({
    kind: 'Pod',
    namespace: ns,
    name: p.name,
    uid: p.uid,
    ...(i === undefined ? {} : { fieldPath: `spec.containers{c${i}}` }),
  })
  const event = (reason: string, atMs: number, message: string, i?: number, component = 'kubelet'): Obj => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${p.name}.${(BigInt(atMs) * 1_000_000n).toString(16)}`,
      namespace: ns,
      creationTimestamp: sec(atMs),
    },
    involvedObject: involved(i),
    reason,
    message,
    type: 'Normal',
    source: { component, host: node },
    count: 1,
    firstTimestamp: sec(atMs),
    lastTimestamp: sec(atMs),
  })
  const events: Obj[] = [
    {
      ...event(
        'Scheduled',
        scheduled,
        `Successfully assigned ${ns}/${p.name} to ${node}`,
        undefined,
        'default-scheduler',
      ),
      eventTime: new Date(scheduled).toISOString().replace('Z', '000Z'),
      firstTimestamp: null,
      lastTimestamp: null,
    },
  ]
  for (let i = 0; i < n; i++) {
    events.push(event('Pulling', pulling + i, `Pulling image "${image}"`, i))
    events.push(
      event(
        'Pulled',
        pulled + i,
        `Successfully pulled image "${image}" in ${p.pulledIn ?? '1.2s'} (1.2s including waiting). Image size: 41943040 bytes.`,
        i,
      ),
    )
    events.push(event('Created', pulled + 100 + i, `Created container: c${i}`, i))
    events.push(event('Started', started + i, `Started container c${i}`, i))
  }
  return { pod, events }
}

/** A `kubectl get pods,events -A -o json` List of the given pods and their events. */
export function listDump(parts: Array<{ pod: Obj; events: Obj[] }>): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [...parts.map((p) => p.pod), ...parts.flatMap((p) => p.events)],
    metadata: { resourceVersion: '' },
  })
}

export interface PoisonSet {
  good: Array<{ pod: Obj; events: Obj[] }>
  /** Stored, with the values the store cannot hold nulled. */
  clamped: { flapped: { pod: Obj; events: Obj[] }; forged: { pod: Obj; events: Obj[] } }
  /** Rejected by name: creation times outside the storable range. */
  rejected: Array<{ pod: Obj; events: Obj[]; createdText: string }>
}

/** `goodCount` good pods created in the last hours, plus the poison. */
export function poisonSet(nowMs: number, goodCount = 30): PoisonSet {
  const good = [...Array(goodCount).keys()].map((i) =>
    podWithEvents({
      name: `web-${i}`,
      uid: `good-${String(i).padStart(4, '0')}`,
      createdMs: nowMs - 6 * 3_600_000 + i * 60_000,
      readyMs: nowMs - 6 * 3_600_000 + i * 60_000 + 4_000,
    }),
  )
  const flapped = podWithEvents({
    name: 'old-flapped',
    uid: 'poison-flapped',
    createdMs: nowMs - 60 * 86_400_000,
    readyMs: nowMs - 3_600_000,
  })
  const forged = podWithEvents({
    name: 'forged-pull',
    uid: 'poison-forged',
    createdMs: nowMs - 5 * 3_600_000,
    readyMs: nowMs - 5 * 3_600_000 + 4_000,
    pulledIn: '99999999h',
  })
  const far = (name: string, createdText: string) => ({
    ...podWithEvents({
      name,
      uid: `poison-${name}`,
      createdMs: nowMs - 4 * 3_600_000,
      createdText,
      readyMs: nowMs - 4 * 3_600_000 + 4_000,
    }),
    createdText,
  })
  return {
    good,
    clamped: { flapped, forged },
    rejected: [
      far('year-1899', '1899-12-31T00:00:00Z'),
      far('year-2400', '2400-01-01T00:00:00Z'),
      far('year-9999', '9999-12-31T23:59:59Z'),
    ],
  }
}
