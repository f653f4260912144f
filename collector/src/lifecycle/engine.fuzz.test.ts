// Property suite over the lifecycle engine (pure): generated pods and events with extreme and malformed fields,
// fed through observe/tick/drain. Nothing throws out of the engine; every pod that ever showed a uid, a name
// and a readable creation time gets exactly one final record; every record is either bounded for the store or
// rejected by boundStartupRecord with a reason; a record with every additive phase known adds up to its total.
// Seeded (fast-check prints the seed and the shrunk counterexample on failure); PODSTART_FUZZ_RUNS=<n> runs more.
import { ADDITIVE_PHASES, type StartupRecord } from '@podstart/schema/record'
import { boundStartupRecord } from '@podstart/schema/writes'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clusterUpdates, FUZZ_NOW, fuzzRuns, type TimedUpdate } from '../../test/fuzz/arbitraries.ts'
import { LifecycleEngine, type WatchUpdate } from './index.ts'
import { parseTime } from './time.ts'

const SEED = 16_016

/** The uids the engine must emit: a pod update with a uid, a name and a readable creation time. */
function expectedUids(updates: TimedUpdate[]): Set<string> {
  const out = new Set<string>()
  for (const { update } of updates) {
    const o = update?.object as { kind?: unknown; metadata?: Record<string, unknown> } | null
    if (!o || typeof o !== 'object' || o.kind !== 'Pod') continue
    if (!['ADDED', 'MODIFIED', 'DELETED', 'LIST'].includes(update.type)) continue
    const m = o.metadata ?? {}
    if (typeof m.uid === 'string' && m.uid && typeof m.name === 'string' && m.name)
      if (!Number.isNaN(parseTime(m.creationTimestamp))) out.add(m.uid)
  }
  return out
}

function run(updates: TimedUpdate[], settleMs?: number) {
  const final: StartupRecord[] = []
  const other: StartupRecord[] = []
  const engine = new LifecycleEngine({
    cluster: 'fuzz',
    graceMs: 5_000,
    stuckTimeoutMs: 60_000,
    ...(settleMs !== undefined ? { settleMs } : {}),
    splitRates: () => ({
      downloadBytesPerSec: 80e6,
      inflateBytesPerSec: 250e6,
      extractBytesPerSec: 50e6,
      compressionRatio: 2.4,
    }),
    onRecord: (r, isFinal) => (isFinal ? final : other).push(r),
  })
  let last = Number.NEGATIVE_INFINITY
  for (const u of updates) {
    engine.observe(u.update as WatchUpdate, u.observedAtMs)
    if (u.observedAtMs > last) last = u.observedAtMs
    if (Number.isFinite(last)) engine.tick(last)
  }
  const end = Number.isFinite(last) ? last : FUZZ_NOW
  engine.tick(end + 10_000)
  final.push(...engine.drain(end + 10_000))
  return { final, other, stats: engine.stats() }
}

function checkRecord(r: StartupRecord): void {
  const b = boundStartupRecord(r, FUZZ_NOW + 60_000)
  if (b.ok) {
    expect(b.record.uid).toBe(r.uid)
  } else {
    expect(['created-out-of-range', 'invalid-record']).toContain(b.reason)
    expect(b.message.length).toBeGreaterThan(0)
  }
  for (const p of ADDITIVE_PHASES) {
    const v = r.phases[p]
    if (v !== null) expect(v, `${p} of ${r.uid}`).toBeGreaterThanOrEqual(0)
  }
  const parts = ADDITIVE_PHASES.map((p) => r.phases[p])
  if (r.totalMs !== null && parts.every((v) => v !== null))
    expect(
      parts.reduce((s, v) => s + (v as number), 0),
      `phases of ${r.uid}`,
    ).toBe(r.totalMs)
}

describe('lifecycle engine under generated pods and events', () => {
  it('never throws; one final record per pod with a readable creation time; bounded or rejected with a reason', () => {
    let records = 0
    let stored = 0
    fc.assert(
      fc.property(
        clusterUpdates(12),
        fc.option(fc.constantFrom(0, 500), { nil: undefined }),
        (updates, settle) => {
          const { final, other, stats } = run(updates, settle)
          const want = expectedUids(updates)
          const byUid = new Map<string, number>()
          for (const r of final) byUid.set(r.uid, (byUid.get(r.uid) ?? 0) + 1)
          expect(new Set(byUid.keys())).toEqual(want)
          // settleMs: a record emitted early may be emitted again once, when late evidence changed it.
          for (const [uid, n] of byUid) expect(n, uid).toBeLessThanOrEqual(settle === undefined ? 1 : 2)
          expect(stats.trackedPods).toBe(0)
          for (const r of [...final, ...other]) {
            checkRecord(r)
            records++
            if (boundStartupRecord(r, FUZZ_NOW + 60_000).ok) stored++
          }
        },
      ),
      { seed: SEED, numRuns: fuzzRuns(500) },
    )
    // The generators are mostly valid: most records must be storable, or the suite tests nothing.
    expect(records).toBeGreaterThan(1_000)
    expect(stored / records).toBeGreaterThan(0.5)
  }, 120_000)
})
