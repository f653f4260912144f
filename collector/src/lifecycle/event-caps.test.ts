import { validateStartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { event, list, pod, schedulerEvent, T0 } from '../../test/fixtures/lifecycle/builders.ts'
import { addEvent, podEventCap } from './event-caps.ts'
import { type CompactEvent, compactEvent } from './events.ts'
import { analyzeBatch, type KubeObject, LifecycleEngine } from './index.ts'

const N = 50
const names = Array.from({ length: N }, (_, i) => `c${i}`)
const at = (i: number) => T0 + 1100 + i * 1000

/** A 50-container pod pulling each image in turn: Pulling, Pulled, Created, Started per container. */
function bigPod(): { pod: KubeObject; events: KubeObject[] } {
  const p = pod({
    uid: 'u50',
    name: 'wide',
    createdMs: T0,
    node: 'node-a',
    phase: 'Running',
    containers: names.map((name) => ({ name, image: `img-${name}:1` })),
    conditions: {
      PodScheduled: T0,
      PodReadyToStartContainers: T0 + 1000,
      Initialized: T0,
      ContainersReady: T0 + 52_000,
      Ready: T0 + 52_000,
    },
  })
  const ev = (i: number, reason: string, message: string, ms: number) =>
    event({ pod: 'wide', uid: 'u50', reason, message, atMs: ms, container: names[i] })
  const events: KubeObject[] = [
    schedulerEvent({
      pod: 'wide',
      uid: 'u50',
      reason: 'Scheduled',
      message: 'Successfully assigned default/wide to node-a',
      atMs: T0 + 100,
    }),
  ]
  for (let i = 0; i < N; i++) {
    const image = `img-${names[i]}:1`
    events.push(
      ev(i, 'Pulling', `Pulling image "${image}"`, at(i)),
      ev(i, 'Pulled', `Successfully pulled image "${image}" in 700ms (750ms including waiting)`, at(i) + 800),
      ev(i, 'Created', `Created container ${names[i]}`, at(i) + 850),
      ev(i, 'Started', `Started container ${names[i]}`, at(i) + 900),
    )
  }
  return { pod: p, events }
}

function check50(objects: KubeObject[]) {
  const engine = new LifecycleEngine({ cluster: 'test' })
  for (const { update } of list(objects)) engine.observe(update)
  const [r, ...more] = engine.drain(T0 + 60_000)
  expect(more).toEqual([])
  expect(validateStartupRecord(r).errors).toEqual([])
  expect(r?.pulls.map((p) => [p.container, p.pullMs, p.waitMs, p.outcome])).toEqual(
    names.map((n) => [n, 700, 50, 'ok']),
  )
  expect(r?.containers?.map((c) => c.startedAt)).toEqual(
    names.map((_, i) => new Date(at(i) + 900).toISOString()),
  )
  expect(r?.phases).toEqual({
    scheduling: 100,
    sandbox: 900,
    init: 0,
    pullWait: N * 50,
    pull: N * 700,
    download: null,
    decompress: null,
    start: at(N - 1) + 900 - (T0 + 1000) - N * 50 - N * 700,
    ready: T0 + 52_000 - (at(N - 1) + 900),
  })
  const parts = ['scheduling', 'sandbox', 'init', 'pullWait', 'pull', 'start', 'ready'] as const
  expect(parts.reduce((n, k) => n + (r?.phases[k] ?? Number.NaN), 0)).toBe(r?.totalMs)
  expect(engine.stats().rejects).toEqual({})
}

describe('events kept per pod', () => {
  it('a 50-container pod keeps every container: every pull, every start, every phase', () => {
    const { pod: p, events } = bigPod()
    check50([p, ...events])
  })

  it('the same when all its events arrive before the pod', () => {
    const { pod: p, events } = bigPod()
    check50([...events, p])
  })

  it('10,000 repeated BackOff events keep memory bounded, are counted, and leave the phases alone', () => {
    const engine = new LifecycleEngine({ cluster: 'test' })
    const { pod: p, events } = bigPod()
    for (const { update } of list([p, ...events])) engine.observe(update)
    const before = engine.stats().approxStateBytes ?? 0
    for (let i = 0; i < 10_000; i++)
      engine.observe({
        type: 'ADDED',
        object: event({
          pod: 'wide',
          uid: 'u50',
          reason: 'BackOff',
          message: 'Back-off restarting failed container c7 in pod wide_default',
          atMs: T0 + 53_000 + i * 10,
          container: 'c7',
        }),
      })
    const stats = engine.stats()
    // Two of them are kept (the earliest and the latest): two events' worth of state more, no more.
    expect((stats.approxStateBytes ?? 0) - before).toBe(2 * 220)
    expect(stats.rejects).toEqual({ 'event-repeat-dropped': 9_998 })
    const [r] = engine.drain(T0 + 200_000)
    expect(r?.outcome).toBe('ready')
    expect(r?.pulls).toHaveLength(N)
    expect(r?.phases.pull).toBe(N * 700)
    expect(r?.phases.start).not.toBeNull()
  })

  it('events for made-up containers stop at the pod cap, counted', () => {
    const engine = new LifecycleEngine({ cluster: 'test' })
    const reasons: string[] = []
    const withCallback = new LifecycleEngine({ cluster: 'test', onReject: (r) => reasons.push(r) })
    const { pod: p } = bigPod()
    const forged = Array.from({ length: 10_000 }, (_, i) =>
      event({
        pod: 'wide',
        uid: 'u50',
        reason: 'Pulling',
        message: 'x',
        atMs: T0 + i,
        container: `fake-${i}`,
      }),
    )
    for (const e of [engine, withCallback]) for (const { update } of list([p, ...forged])) e.observe(update)
    const cap = podEventCap(N)
    expect(engine.stats().approxStateBytes).toBe(900 + cap * 220)
    expect(engine.stats().rejects).toEqual({ 'events-per-pod-cap': 10_000 - cap })
    expect(reasons).toHaveLength(10_000 - cap)
    expect(new Set(reasons)).toEqual(new Set(['events-per-pod-cap']))
  })

  it('analyzeBatch of a 50-container pod gives one record with 50 pulls', () => {
    const { pod: p, events } = bigPod()
    const records = analyzeBatch(list([p, ...events]), { cluster: 'test' })
    expect(records).toHaveLength(1)
    expect(records[0]?.pulls).toHaveLength(N)
  })
})

describe('addEvent', () => {
  const mk = (ms: number, lastMs = ms): CompactEvent => {
    const e = compactEvent(
      event({
        pod: 'p',
        uid: 'u',
        reason: 'Started',
        message: 'Started container app',
        atMs: ms,
        container: 'app',
      }),
    ) as CompactEvent
    return { ...e, lastMs }
  }

  it('keeps the earliest and the latest of one kind per container, whatever the order they arrive in', () => {
    const holder = { events: [] as CompactEvent[] }
    const order = [5, 1, 9, 3, 7, 2, 8]
    const outcomes = order.map((s) => addEvent(holder, mk(T0 + s * 1000), 100))
    expect(outcomes).toEqual([
      'added',
      'added',
      'repeat-dropped',
      'repeat-dropped',
      'repeat-dropped',
      'repeat-dropped',
      'repeat-dropped',
    ])
    expect(holder.events.map((e) => Math.round((e.firstMs - T0) / 1000)).sort()).toEqual([1, 9])
  })

  it('keeps one event that spans the others (its first and last) and the newest report', () => {
    const holder = { events: [] as CompactEvent[] }
    addEvent(holder, mk(T0 + 2000), 100)
    addEvent(holder, mk(T0 + 1000, T0 + 9000), 100)
    addEvent(holder, mk(T0 + 3000), 100)
    expect(
      holder.events.map((e) => [Math.round((e.firstMs - T0) / 1000), Math.round((e.lastMs - T0) / 1000)]),
    ).toEqual([
      [3, 3],
      [1, 9],
    ])
  })

  it('updates the same event in place, and tells kinds and containers apart', () => {
    const holder = { events: [] as CompactEvent[] }
    const e = mk(T0)
    addEvent(holder, e, 100)
    expect(addEvent(holder, { ...e, count: 3 }, 100)).toBe('updated')
    expect(holder.events).toHaveLength(1)
    expect(holder.events[0]?.count).toBe(3)
    // Three more Started events, each for another container: none is a repeat of another.
    const others = ['a', 'b', 'c'].map((container, i) =>
      addEvent(holder, { ...mk(T0 + 1000 * (i + 1)), container }, 100),
    )
    expect(others).toEqual(['added', 'added', 'added'])
    expect(addEvent(holder, { ...mk(T0 + 9000), container: 'd' }, 4)).toBe('cap-dropped')
    expect(holder.events.map((e) => e.container)).toEqual(['app', 'a', 'b', 'c'])
  })
})
