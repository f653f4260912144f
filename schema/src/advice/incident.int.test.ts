// Acute incidents over the real embedded store: a workload's last hour against its own previous 7 days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { refreshRollups } from '../rollups/refresh.ts'
import type { Querier } from '../store/index.ts'
import { insertStartups } from '../writes/startups.ts'
import { evaluateAdvice, renderAdvice } from './engine.ts'
import { at, openMigratedStore, startup } from './signals/fixture-store.ts'
import type { Finding } from './types.ts'

let q: Querier
let cleanup: () => Promise<void>
const HOUR = 3_600_000
/** The evaluation ends at fixture hour 23 (yesterday 09:00 UTC + 24 h, inside every TTL); the acute window is hour 22. */
const TO = 23 * HOUR
const RANGE = { from: at(TO - 7 * 24 * HOUR), to: at(TO) }
const wl = (name: string) => ({ kind: 'Deployment', name })

/** 3 startups every 2 hours over the 6 days before the acute window, each with `readyMs` in ready. */
function history(name: string, readyMs: number) {
  const out = []
  for (let h = 2; h <= 6 * 24; h += 2)
    for (let i = 0; i < 3; i++)
      out.push(
        startup({
          uid: `${name}-h${h}-${i}`,
          workload: wl(name),
          createdAtMs: TO - HOUR - h * HOUR + i * 60_000,
          phases: { scheduling: 200, sandbox: 300, start: 200, ready: readyMs },
        }),
      )
  return out
}
/** `n` startups in the acute window, each with `readyMs` in ready. */
function lastHour(name: string, n: number, readyMs: number) {
  return Array.from({ length: n }, (_, i) =>
    startup({
      uid: `${name}-now-${i}`,
      workload: wl(name),
      createdAtMs: TO - HOUR + 60_000 + i * 120_000,
      phases: { scheduling: 200, sandbox: 300, start: 200, ready: readyMs },
    }),
  )
}

let findings: Finding[]
beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  await insertStartups(
    q,
    [
      // checkout: healthy (1 s to Ready) for days, then 10 startups at 20 s in the last hour.
      ...history('checkout', 1000),
      ...lastHour('checkout', 10, 20_000),
      // search: steadily slow, 30 s to Ready before and now (a readiness finding, no incident).
      ...history('search', 30_000),
      ...lastHour('search', 10, 30_000),
      // cart: healthy, then 3 startups at 15 s: under minStartups 5 and minExcessSeconds 60 (3 x 14 s = 42 s).
      ...history('cart', 1000),
      ...lastHour('cart', 3, 15_000),
    ],
    1,
  )
  // The baseline's closed hours come from the hourly rollup grains, the acute hour from raw rows.
  await refreshRollups(q, { limit: 1000 })
  findings = await evaluateAdvice(q, { ...RANGE, cluster: 'prod' })
}, 120_000)
afterAll(async () => cleanup?.())

describe('incident', () => {
  it('ranks the workload slow in the last hour first, above a larger weekly finding', () => {
    const first = findings[0]!
    expect(first.ruleId).toBe('incident')
    expect(first.scope).toMatchObject({ level: 'workload', namespace: 'shop', workload: wl('checkout') })
    expect(first.phases).toEqual(['ready'])
    // search's steady 30 s readiness is the larger weekly figure, yet ranks below the incident.
    const search = findings.find((f) => f.ruleId === 'readiness' && f.scope.workload?.name === 'search')
    expect(search).toBeDefined()
    expect(search!.saving.podSecondsPerWeek).toBeGreaterThan(first.saving.podSecondsPerWeek)
    expect(findings.indexOf(search!)).toBeGreaterThan(0)
  })

  it('states the last hour against the baseline, and an excess of that hour only', () => {
    const f = findings[0]!
    const ev = Object.fromEntries(f.evidence.map((e) => [e.label, e.value]))
    expect(ev['started -> Ready per startup, last 60 min']).toBe(20)
    expect(ev['started -> Ready per startup, baseline median hour']).toBe(1)
    expect(ev['complete startups, last 60 min']).toBe(10)
    // 72 baseline hours of 3 startups; each such hour lost 3 x 1 s in ready.
    expect(ev['baseline hours with startups (7 days)']).toBe(72)
    expect(ev['started -> Ready pod-seconds per hour, baseline median / p90']).toBe('3 / 3')
    // 10 x (20 s - 1 s) = 190 pod-s in the last hour, unscaled.
    expect(f.saving.podSecondsPerWeek).toBe(190)
    expect(f.saving.p90SecondsPerStartup).toBe(19)
    expect(f.saving.basis).toEqual({
      windowHours: 1,
      podSecondsInWindow: 190,
      weekly: 'acute',
      podSecondsPerHour: 190,
    })
    expect(f.acute).toEqual({ from: at(TO - HOUR), to: at(TO), baselineDays: 7 })
    expect(f.saving.assumptions[0]).toContain('not a weekly extrapolation')
    expect(renderAdvice(f).text).toContain('190 pod-seconds in the last 1 h')
    expect(renderAdvice(f).text).toContain('19 s more per startup than the baseline (mean)')
    // Its pods are the acute hour's: 10 startups of 20 s in ready, at least the 190 pod-s it claims.
    expect(f.pods?.count).toBe(10)
    expect(f.pods?.lostMs).toBe(10 * 20_000)
  })

  it('gives a steadily slow workload and a blip under the minimums no incident', () => {
    const incidents = findings.filter((f) => f.ruleId === 'incident')
    expect(incidents.map((f) => f.scope.workload?.name)).toEqual(['checkout'])
  })
})
