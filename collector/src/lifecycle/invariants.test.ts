// Generated pods (seeded): no negative phase, phases add up to the total, splits add up to the pull,
// every record valid; the incremental engine and the batch path agree on the same input.
import { ADDITIVE_PHASES, validateStartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { event, node, pod, schedulerEvent, T0 } from '../../test/fixtures/lifecycle/builders.ts'
import { analyzeBatch, type KubeObject, LifecycleEngine, type WatchUpdate } from './index.ts'

function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Timed {
  object: KubeObject
  at: number
}

/** One generated pod as a timeline of pod updates and events. */
function generatePod(i: number, r: () => number): Timed[] {
  const uid = `gen-${i}`
  const name = `web-${i}`
  const created = T0 + i * 7_000 + Math.floor(r() * 1000)
  const skew = r() < 0.1 ? -Math.floor(r() * 4000) : 0 // kubelet clock behind
  const nInit = r() < 0.3 ? 1 : 0
  const n = 1 + Math.floor(r() * 3)
  const containers = Array.from({ length: n }, (_, k) => ({ name: `c${k}`, image: `img-${k}:${i % 5}` }))
  const init = nInit ? [{ name: 'init0', image: 'init:1' }] : undefined
  let t = created + 50 + r() * 3000
  const scheduled = t
  t += 200 + r() * 2000
  const sandbox = t
  const out: Timed[] = []
  const ev = (reason: string, message: string, at: number, container: string, isInit = false) =>
    out.push({
      object: event({ pod: name, uid, reason, message, atMs: at + skew, container, init: isInit }),
      at: at + 5,
    })
  if (nInit) {
    ev('Pulled', 'Container image "init:1" already present on machine', t, 'init0', true)
    ev('Started', 'Started container init0', t + 10, 'init0', true)
    t += 500 + r() * 3000
  }
  const initialized = t
  for (const c of containers) {
    if (r() < 0.4)
      ev(
        'Pulled',
        `Container image "${c.image}" already present on machine and can be accessed by the pod`,
        t,
        c.name,
      )
    else {
      const wait = Math.floor(r() * 2000)
      const pull = Math.floor(100 + r() * 20_000)
      ev('Pulling', `Pulling image "${c.image}"`, t, c.name)
      t += wait + pull
      ev(
        'Pulled',
        `Successfully pulled image "${c.image}" in ${pull / 1000}s (${(wait + pull) / 1000}s including waiting). Image size: ${Math.floor(r() * 5e8)} bytes.`,
        t,
        c.name,
      )
    }
    t += 20 + r() * 300
    ev('Started', `Started container: ${c.name}`, t, c.name)
  }
  const ready = t + r() * 5000
  const base = {
    uid,
    name,
    createdMs: created,
    containers,
    init,
    owner: { kind: 'ReplicaSet', name: `web-${i % 3}-abc` },
  }
  const full = r() < 0.85
  out.push({ object: pod(base), at: created + 30 })
  out.push({
    object: schedulerEvent({
      pod: name,
      uid,
      reason: 'Scheduled',
      message: `Successfully assigned default/${name} to n${i % 2}`,
      atMs: scheduled,
    }),
    at: scheduled + 3,
  })
  out.push({
    object: pod({ ...base, node: `n${i % 2}`, conditions: { PodScheduled: scheduled } }),
    at: scheduled + 2,
  })
  const conds = {
    PodScheduled: scheduled,
    PodReadyToStartContainers: sandbox,
    Initialized: nInit ? initialized : created,
    ContainersReady: ready,
    Ready: ready,
  }
  if (full)
    out.push({
      object: pod({ ...base, node: `n${i % 2}`, phase: 'Running', conditions: conds }),
      at: ready + 4,
    })
  return out
}

function generate(seed: number, count: number): Timed[] {
  const r = rng(seed)
  const all: Timed[] = [node('n0', 'containerd://1.7.2'), node('n1', 'cri-o://1.29.1')].map((object) => ({
    object,
    at: T0 - 1,
  }))
  for (let i = 0; i < count; i++) all.push(...generatePod(i, r))
  return all.sort((a, b) => a.at - b.at)
}

const rates = {
  downloadBytesPerSec: 80e6,
  inflateBytesPerSec: 250e6,
  extractBytesPerSec: 50e6,
  compressionRatio: 2.4,
}
const byUid = (a: { uid: string }, b: { uid: string }) => (a.uid < b.uid ? -1 : 1)

describe('invariants over generated pods', () => {
  const timeline = generate(42, 400)
  const updates = timeline.map((x) => ({
    update: { type: 'MODIFIED', object: x.object } as WatchUpdate,
    observedAtMs: x.at,
  }))

  it('no negative phase, exact sums, split = pull, schema-valid', () => {
    const records = analyzeBatch(updates, { cluster: 'gen', splitRates: () => rates })
    expect(records).toHaveLength(400)
    let complete = 0
    for (const r of records) {
      expect(validateStartupRecord(r).errors).toEqual([])
      for (const v of Object.values(r.phases)) if (v !== null) expect(v).toBeGreaterThanOrEqual(0)
      const parts = ADDITIVE_PHASES.map((p) => r.phases[p])
      if (r.totalMs !== null && parts.every((v) => v !== null)) {
        complete++
        expect(parts.reduce((s, v) => s + (v as number), 0)).toBe(r.totalMs)
      }
      if (r.phases.download !== null)
        expect(r.phases.download + (r.phases.decompress as number)).toBe(r.phases.pull)
      for (const p of r.pulls)
        if (p.splitMethod) expect((p.downloadMs as number) + (p.decompressMs as number)).toBe(p.pullMs)
    }
    expect(complete).toBeGreaterThan(250)
    expect(records.some((r) => (r.clockSkewClamps ?? 0) > 0)).toBe(true)
  })

  it('incremental (observe + tick) and batch agree', () => {
    const batch = analyzeBatch(updates, { cluster: 'gen', graceMs: 120_000 }).sort(byUid)
    const seen: ReturnType<typeof analyzeBatch> = []
    const engine = new LifecycleEngine({
      cluster: 'gen',
      graceMs: 120_000,
      stuckTimeoutMs: 1e12,
      onRecord: (r, final) => final && seen.push(r),
    })
    for (const u of updates) {
      engine.observe(u.update, u.observedAtMs)
      engine.tick(u.observedAtMs)
    }
    const last = updates[updates.length - 1]!.observedAtMs
    engine.tick(last + 200_000)
    seen.push(...engine.drain(last + 200_000))
    expect(seen.length).toBe(400)
    expect(seen.sort(byUid)).toEqual(batch)
    expect(engine.stats().trackedPods).toBe(0)
  })
})
