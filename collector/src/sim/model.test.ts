// The cluster model's truth: deterministic per seed, valid against the record contract, phases adding up, and the
// objects it writes agreeing with the truth it keeps.
import { ADDITIVE_PHASES, type StartupRecord, validateStartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { parseFaults } from './faults.ts'
import { generateHistory, type WatchLine } from './history.ts'
import { goDuration } from './kubelet-wording.ts'
import { ClusterModel } from './model.ts'
import type { ObjectWrite } from './model-types.ts'
import { builtinScenarioNames, loadScenario } from './scenario.ts'

const START = Date.UTC(2026, 10, 22, 10, 0, 0)

function run(scenario: string, seed: number, opts: { drop?: number; pods?: number } = {}) {
  const s = loadScenario(scenario)
  const writes: ObjectWrite[] = []
  const model = new ClusterModel(
    {
      scenario: s,
      seed,
      pods: opts.pods ?? s.pods,
      rate: s.rate,
      speed: 1,
      startAtMs: START,
      cluster: 'sim',
      dropEventShare: opts.drop ?? 0,
      extraEventDelayMs: 0,
    },
    (w) => writes.push(structuredClone(w)),
  )
  while (!model.allFinal() && model.queue.size > 0) model.advanceTo(model.queue.peekTime() as number)
  return { model, writes, truth: model.truth(true) }
}

/** Truth with times relative to each pod's creation, names and uids removed: what a seed determines. */
function shape(records: StartupRecord[]): unknown[] {
  return records.map((r) => ({
    created: Date.parse(r.createdAt) - START,
    total: r.totalMs,
    phases: r.phases,
    outcome: r.outcome,
    pulls: r.pulls.map((p) => [p.image, p.pullMs, p.waitMs, p.downloadMs, p.cached, p.attempts]),
  }))
}

describe('cluster model truth', () => {
  it('is the same for the same seed and different for another seed', () => {
    const a = run('fast', 7)
    const b = run('fast', 7)
    const c = run('fast', 8)
    expect(a.truth.length).toBe(30)
    expect(shape(a.truth)).toEqual(shape(b.truth))
    expect(a.truth.map((r) => r.pod)).toEqual(b.truth.map((r) => r.pod))
    expect(shape(c.truth)).not.toEqual(shape(a.truth))
  })

  it('validates against the startup record contract and its phases add up to totalMs', () => {
    for (const scenario of ['fast', 'mixed']) {
      const { truth } = run(scenario, 3)
      expect(truth.length).toBeGreaterThan(0)
      let ready = 0
      for (const r of truth) {
        const v = validateStartupRecord(r)
        expect(v.errors, `${r.pod}: ${v.errors.join('; ')}`).toEqual([])
        if (r.totalMs === null) continue
        ready++
        const sum = ADDITIVE_PHASES.reduce((s, p) => s + (r.phases[p] as number), 0)
        expect(sum, r.pod).toBe(r.totalMs)
        expect(r.totalMs).toBe(Date.parse(r.readyAt as string) - Date.parse(r.createdAt))
        expect((r.phases.download ?? 0) + (r.phases.decompress ?? 0)).toBe(r.phases.pull)
        for (const p of r.pulls.filter((x) => !x.cached && x.outcome === 'ok')) {
          expect(p.splitMethod).toBe('truth')
          expect((p.downloadMs as number) + (p.decompressMs as number)).toBe(p.pullMs)
        }
      }
      expect(ready).toBeGreaterThan(truth.length / 2)
    }
  })

  it('covers every outcome the fast scenario plans: ready, completed, failed pulls with back-off', () => {
    const { truth } = run('fast', 1, { pods: 60 })
    const outcomes = new Set(truth.map((r) => r.outcome))
    expect(outcomes.has('ready')).toBe(true)
    expect(outcomes.has('completed')).toBe(true)
    const retried = truth.flatMap((r) => r.pulls).filter((p) => p.attempts > 1)
    expect(retried.length).toBeGreaterThan(0)
    expect(retried.every((p) => (p.waitMs ?? 0) > 0 || p.outcome === 'backoff')).toBe(true)
  })

  it('writes objects that agree with the truth: whole-second timestamps truncated, event names from first occurrence', () => {
    const { writes, truth } = run('fast', 5)
    const lastPod = new Map<string, ObjectWrite['object']>()
    for (const w of writes)
      if (w.resource === 'pods' && w.type !== 'DELETED')
        lastPod.set(w.object.metadata.uid as string, w.object)
    for (const r of truth) {
      const pod = lastPod.get(r.uid)
      expect(pod, r.pod).toBeDefined()
      const created = Date.parse(r.createdAt)
      expect(pod?.metadata.creationTimestamp).toBe(
        `${new Date(Math.floor(created / 1000) * 1000).toISOString().slice(0, 19)}Z`,
      )
    }
    const events = writes
      .filter((w) => w.resource === 'events')
      .map((w) => w.object as Record<string, unknown>)
    const kubelet = events.filter((e) => (e.source as Record<string, string>).component === 'kubelet')
    expect(kubelet.length).toBeGreaterThan(0)
    for (const e of kubelet) {
      const meta = e.metadata as { name: string }
      const hex = meta.name.slice(meta.name.lastIndexOf('.') + 1)
      const firstMs = Number(BigInt(`0x${hex}`) / 1_000_000n)
      expect(`${new Date(Math.floor(firstMs / 1000) * 1000).toISOString().slice(0, 19)}Z`).toBe(
        e.firstTimestamp,
      )
    }
    const scheduled = events.filter((e) => e.reason === 'Scheduled')
    for (const e of scheduled) {
      expect(e.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
      expect(e.firstTimestamp).toBeNull()
    }
    // The Scheduled event's eventTime is the binding (truth 'scheduled') to within the scheduler's 2 ms.
    const byPod = new Map(truth.map((r) => [r.pod, r]))
    for (const e of scheduled) {
      const r = byPod.get((e.involvedObject as { name: string }).name) as StartupRecord
      const delta = Date.parse(e.eventTime as string) - Date.parse(r.boundaries.scheduled?.at as string)
      expect(delta).toBeGreaterThanOrEqual(0)
      expect(delta).toBeLessThanOrEqual(3)
    }
  })

  it('reports pull durations in Pulled messages that equal the true pull and wait', () => {
    const { writes, truth } = run('fast', 9)
    const pulled = writes
      .filter((w) => w.resource === 'events' && (w.object as Record<string, unknown>).reason === 'Pulled')
      .map((w) => w.object as Record<string, unknown>)
      .filter((e) => String(e.message).startsWith('Successfully pulled'))
    expect(pulled.length).toBeGreaterThan(0)
    const pulls = truth.flatMap((r) => r.pulls.map((p) => ({ pod: r.pod, ...p })))
    for (const e of pulled) {
      const m = /in ([^ ]+) \(([^ ]+) including waiting\)/.exec(String(e.message))
      expect(m, String(e.message)).not.toBeNull()
      const pod = (e.involvedObject as { name: string }).name
      const container = /\{(.+)\}/.exec((e.involvedObject as { fieldPath: string }).fieldPath)?.[1]
      const p = pulls.find((x) => x.pod === pod && x.container === container)
      expect(p).toBeDefined()
      expect(m?.[1]).toBe(goDuration(p?.pullMs as number))
    }
  })

  it('keeps the truth unchanged when events are dropped', () => {
    const clean = run('fast', 11)
    const dropped = run('fast', 11, { drop: 0.3 })
    expect(shape(dropped.truth)).toEqual(shape(clean.truth))
    const count = (r: typeof clean) => r.writes.filter((w) => w.resource === 'events').length
    expect(count(dropped)).toBeLessThan(count(clean) * 0.85)
  })
})

describe('injected problems', () => {
  it('lists every problem of the mixed scenario in the manifest with its scope and window', () => {
    const { model } = run('mixed', 2)
    const manifest = model.manifest()
    expect(manifest.map((m) => m.kind).sort()).toEqual(
      loadScenario('mixed')
        .problems.map((p) => p.kind)
        .sort(),
    )
    for (const m of manifest) {
      expect(m.scope.cluster).toBe('sim')
      expect(m.toMs).toBeGreaterThanOrEqual(m.fromMs)
    }
    const burst = manifest.find((m) => m.kind === 'registry-saturation')
    expect(burst?.scope).toMatchObject({
      namespace: 'shop',
      workload: 'frontend',
      image: 'registry.local/shop/frontend:3.3.0',
    })
    expect(burst?.detail.pods).toHaveLength(16)
  })

  it('slows downloads when many nodes pull one image at once (registry saturation)', () => {
    const { truth } = run('registry-saturation', 1)
    const mbps = (p: StartupRecord['pulls'][number]) =>
      (p.sizeBytes as number) / 1e3 / (p.downloadMs as number)
    const pulls = truth
      .flatMap((r) => r.pulls)
      .filter((p) => !p.cached && p.outcome === 'ok' && (p.downloadMs ?? 0) > 500)
    const burst = pulls.filter((p) => p.image.endsWith(':3.3.0')).map(mbps)
    expect(burst.length).toBeGreaterThan(8)
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
    // Uncontended, a node downloads at its own bandwidth (120 MB/s in the scenario).
    const nodeMBps = loadScenario('registry-saturation').nodePools[0]?.bandwidthMBps as number
    expect(median(burst)).toBeLessThan(0.5 * nodeMBps)
  })

  it('makes decompression dominate pulls of a large gzip image on nodes without pigz', () => {
    const { truth } = run('large-gzip', 1)
    // Each run of the trainer Job workload is its own Job (trainer-<suffix>).
    const trainer = truth
      .filter((r) => r.workload?.kind === 'Job' && r.workload.name.startsWith('trainer-'))
      .flatMap((r) => r.pulls)
      .filter((p) => !p.cached && (p.pullMs ?? 0) > 1000)
    // One cold pull per node of the batch pool; later pods find the image present.
    expect(trainer.length).toBeGreaterThanOrEqual(2)
    for (const p of trainer) expect(p.decompressMs as number).toBeGreaterThan(p.downloadMs as number)
  })
})

describe('scenarios and faults', () => {
  it('loads every built-in scenario', () => {
    for (const name of builtinScenarioNames()) expect(loadScenario(name).name).toBe(name)
  })

  it('rejects bad scenarios and fault specs with a message naming what is wrong', () => {
    expect(() => loadScenario('no-such-scenario')).toThrow(/unknown scenario "no-such-scenario"/)
    expect(() => parseFaults('close-watch=soon')).toThrow(/close-watch.*not a duration/)
    expect(() => parseFaults('explode=1s')).toThrow(/unknown fault "explode"/)
    expect(() => parseFaults('error500=30s')).toThrow(/FROM\+FOR/)
    expect(() => parseFaults('drop-events=2')).toThrow(/between 0 and 1/)
    expect(
      parseFaults(
        'close-watch=5s,compact=20s,error500=30s+20s,stall=40s+35s,drop-events=0.05,delay-events=2s',
      ),
    ).toEqual({
      closeWatchEveryMs: 5000,
      compactEveryMs: 20000,
      error500: { fromMs: 30000, forMs: 20000 },
      stall: { fromMs: 40000, forMs: 35000 },
      dropEvents: 0.05,
      delayEventsMs: 2000,
    })
  })

  it('formats durations like Go time.Duration', () => {
    expect(goDuration(796)).toBe('796ms')
    expect(goDuration(1594)).toBe('1.594s')
    expect(goDuration(81280)).toBe('1m21.28s')
    expect(goDuration(3723000)).toBe('1h2m3s')
    expect(goDuration(2500)).toBe('2.5s')
  })
})

describe('generateHistory', () => {
  it('writes watch lines in time order and a regression in the last week of the manifest', () => {
    const lines: WatchLine[] = []
    const end = Date.UTC(2026, 10, 22)
    const { truth, manifest } = generateHistory(
      { seed: 2, scenario: 'mixed', days: 14, podsPerHour: 6, endAtMs: end, regressionLastWeek: true },
      (l) => lines.push(l),
    )
    expect(truth.length).toBeGreaterThan(1900)
    expect(lines.length).toBeGreaterThan(truth.length * 5)
    const times = lines.map((l) => Date.parse(l.observedAt))
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true)
    expect(Math.max(...times)).toBeLessThanOrEqual(end)
    const reg = manifest.find((m) => m.kind === 'regression')
    expect(reg?.fromMs).toBe(end - 7 * 86400e3)
    // The regressed workload really is slower in the last week.
    const checkout = truth.filter((r) => r.workload?.name === 'checkout' && r.totalMs !== null)
    const before = checkout.filter((r) => Date.parse(r.createdAt) < (reg?.fromMs as number))
    const after = checkout.filter((r) => Date.parse(r.createdAt) >= (reg?.fromMs as number))
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
    expect(after.length).toBeGreaterThan(5)
    expect(median(after.map((r) => r.totalMs as number))).toBeGreaterThan(
      1.5 * median(before.map((r) => r.totalMs as number)),
    )
  })
})
