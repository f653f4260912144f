// Steady state at scale: a synthetic API server (its own process) lists N running pods on M nodes in pages and
// then starts new pods at a constant rate on its watches; the real collector (list/watch -> lifecycle -> writer
// -> embedded store) follows it. Memory per starting pod is the heap growth after full collections with
// thousands of pods held mid-startup, divided by the pods the lifecycle engine tracks.
import { type BenchChild, startChild } from '../child.ts'
import { figure, round, type ScenarioResult } from '../result.ts'

type Msg = Record<string, unknown>
const isType = (t: string) => (m: Msg) => m.type === t
interface CollectorStats {
  events: number
  written: number
  trackedPods: number
  bufferDepth: number
  rss: number
  peakRss: number
  heapUsed: number
  cpuMs: number
  wallMs: number
}
interface Heap {
  heapUsed: number
  trackedPods: number
  gc: boolean
}

async function latest<T>(
  c: BenchChild,
  type: string,
  until: (s: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const s = await c.next<T>(isType(type), Math.max(1000, deadline - Date.now()))
    if (until(s)) return s
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${type}`)
  }
}

export async function runSteady(small: boolean): Promise<ScenarioResult> {
  const started = Date.now()
  const shape = small
    ? { pods: 5_000, nodes: 200, perMinute: 1000, startupMs: 20_000, seconds: 40 }
    : { pods: 150_000, nodes: 5000, perMinute: 1000, startupMs: 20_000, seconds: 120 }
  const graceMs = 10_000
  const feed = startChild('children/steady-feed.ts', shape)
  const { kubeconfig } = await feed.next<{ kubeconfig: string }>(isType('ready'), 30_000)
  const collector = startChild(
    'children/collector.ts',
    { kubeconfig, graceMs },
    { nodeFlags: ['--expose-gc'] },
  )
  try {
    await collector.next(isType('ready'), 60_000)
    // The initial list is absorbed and its (already Ready) pods written once their grace elapsed.
    const listed = await latest<CollectorStats>(
      collector,
      'stats',
      (s) => s.written >= shape.pods && s.trackedPods === 0 && s.bufferDepth === 0,
      600_000,
    )
    const listSeconds = (Date.now() - started) / 1000
    collector.send({ type: 'heap' })
    const before = await collector.next<Heap>(isType('heap'), 30_000)
    feed.send({ type: 'go' })
    const from = listed
    const samples: Array<{ heap: Heap; stats: CollectorStats; backlog: number }> = []
    const until = Date.now() + shape.seconds * 1000
    let maxBacklog = 0
    let maxBuffer = 0
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 5000))
      const fs = await feed.next<{ sent: number }>(isType('stats'), 10_000)
      const cs = await latest<CollectorStats>(collector, 'stats', () => true, 10_000)
      // Watch lines the feed wrote that the collector has not read yet (list objects excluded).
      const backlog = Math.max(0, fs.sent - (cs.events - from.events))
      maxBacklog = Math.max(maxBacklog, backlog)
      maxBuffer = Math.max(maxBuffer, cs.bufferDepth)
      if (Date.now() - (until - shape.seconds * 1000) > shape.startupMs) {
        collector.send({ type: 'heap' })
        samples.push({ heap: await collector.next<Heap>(isType('heap'), 30_000), stats: cs, backlog })
      }
    }
    const end = await latest<CollectorStats>(collector, 'stats', () => true, 10_000)
    // Stop creating, let every tracked pod finish, and take the heap again: the same collector with the same
    // caches (finished UIDs, owners, pools) and no starting pods is what the steady heap is compared with.
    feed.send({ type: 'pause' })
    await latest<CollectorStats>(
      collector,
      'stats',
      (s) => s.trackedPods === 0 && s.bufferDepth === 0,
      shape.startupMs + graceMs + 60_000,
    )
    collector.send({ type: 'heap' })
    const drained = await collector.next<Heap>(isType('heap'), 30_000)
    // The flow above keeps only a few hundred pods starting at once (1,000/min x 20 s), a few hundred KB against
    // a heap whose own noise is about a MB. So the state per starting pod is measured on thousands held
    // mid-startup at once (containers started, every kubelet event seen, not Ready), against the drained heap.
    const holdCount = small ? 2_000 : 10_000
    feed.send({ type: 'hold', count: holdCount })
    const heldFeed = await feed.next<{ sent: number }>(isType('held'), 120_000)
    await latest<CollectorStats>(
      collector,
      'stats',
      // Every line read, every held pod tracked, and the writer's buffer (their events' rows) written out.
      (s) =>
        s.events - from.events >= heldFeed.sent &&
        s.trackedPods >= drained.trackedPods + holdCount &&
        s.bufferDepth === 0,
      120_000,
    )
    collector.send({ type: 'heap' })
    const heldHeap = await collector.next<Heap>(isType('heap'), 30_000)
    const heldPods = heldHeap.trackedPods - drained.trackedPods
    const bytesPerPod = heldPods > 0 ? (heldHeap.heapUsed - drained.heapUsed) / heldPods : null
    feed.send({ type: 'release' })
    const tracked = samples.length
      ? samples.reduce((a, s) => a + s.heap.trackedPods, 0) / samples.length
      : null
    const cpuShare = (end.cpuMs - from.cpuMs) / (end.wallMs - from.wallMs)
    return {
      scenario: 'steady',
      size: small ? 'small' : 'full',
      ok: true,
      durationMs: Date.now() - started,
      figures: [
        figure('JS heap per starting pod', round(bytesPerPod, 0), 'bytes', { op: '<=', value: 2048 }),
        figure('starting pods held for the heap figure', heldPods, 'pods'),
        figure('starting pods tracked during the flow (mean)', round(tracked, 0), 'pods'),
        figure('collector RSS at end', round(end.rss / 2 ** 20, 0), 'MiB'),
        figure('collector peak RSS', round(end.peakRss / 2 ** 20, 0), 'MiB'),
        figure(
          'JS heap at end (after GC)',
          round((samples.at(-1)?.heap.heapUsed ?? end.heapUsed) / 2 ** 20, 0),
          'MiB',
        ),
        figure('CPU share during steady state', round(100 * cpuShare, 1), '% of one core'),
        figure('max watch backlog (lines not yet read)', maxBacklog, 'lines', { op: '<=', value: 1000 }),
        figure('max writer buffer', maxBuffer, 'rows'),
        figure('initial list absorbed and written', round(listSeconds, 1), 's'),
      ],
      baseline: {
        what: 'JS heap after full GCs once the new pods stopped and every tracked pod was written (same caches, no starting pods), against the heap with the held pods',
        heapDrainedMiB: round(drained.heapUsed / 2 ** 20, 1),
        heapHeldMiB: round(heldHeap.heapUsed / 2 ** 20, 1),
        heapAfterListMiB: round(before.heapUsed / 2 ** 20, 1),
        trackedBefore: before.trackedPods,
        gcExposed: before.gc,
        shape,
      },
      notes: [
        `${shape.pods.toLocaleString('en')} running pods on ${shape.nodes} nodes (paged LIST of 500), then ${shape.perMinute} startups/min for ${shape.seconds} s, each ${shape.startupMs / 1000} s to Ready, with kubelet events`,
        'synthetic watch feed in a separate process instead of the simulator (which cannot model 150k pods in time here); the collector path is the real one, store included',
        `"never falling behind": the watch backlog stays bounded (goal here: <= 1000 lines, about a minute of events); lifecycle grace ${graceMs / 1000} s`,
      ],
    }
  } finally {
    await collector.stop()
    await feed.stop()
  }
}
