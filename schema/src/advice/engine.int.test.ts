// evaluateAdvice end to end over the real embedded store: signals fetched, rules run, findings ranked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adviceDataVersion } from '../queries/advice-evidence.ts'
import type { Querier } from '../store/index.ts'
import { insertStartups } from '../writes/startups.ts'
import { parseAdviceConfig } from './config.ts'
import { evaluateAdvice, renderAdvice } from './engine.ts'
import { openMigratedStore, startup, WINDOW } from './signals/fixture-store.ts'

let q: Querier
let cleanup: () => Promise<void>
const IMAGE = 'reg.example/shop/big:3'

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  // 24 cold starts of one image on 24 nodes within the 24 h window, each pulling 8 s after waiting 1 s in a 10 s start.
  const records = Array.from({ length: 24 }, (_, i) =>
    startup({
      uid: `p${i}`,
      node: `node-${i}`,
      createdAtMs: i * 3_000_000,
      phases: { scheduling: 500, sandbox: 500, pullWait: 1000, pull: 8000 },
      pulls: [{ image: IMAGE, pullMs: 8000, waitMs: 1000, sizeBytes: 120e6, startedAtMs: i * 3_000_000 }],
    }),
  )
  await insertStartups(q, records, 1)
  await insertStartups(q, [startup({ uid: 'other', cluster: 'staging' })], 1)
})
afterAll(async () => cleanup?.())

describe('evaluateAdvice', () => {
  it('finds the pre-warm problem with its saving scaled from the window to a week', async () => {
    const findings = await evaluateAdvice(q, { ...WINDOW, cluster: 'prod' })
    expect(findings.map((f) => f.ruleId)).toEqual(['pre-warm'])
    const f = findings[0]!
    // 24 * (8 s + 1 s) = 216 s over a 24 h window -> 216 * 7 = 1512 pod-s/week.
    expect(f.saving.podSecondsPerWeek).toBe(1512)
    expect(f.saving.p90SecondsPerStartup).toBe(9)
    expect(f.scope).toMatchObject({ cluster: 'prod', image: IMAGE, namespace: 'shop' })
    expect(renderAdvice(f).markdown).toContain('prepull-big-3')
  })

  it('states the basis of the saving: 216 pod-s seen in a 24 h window, the week a projection', async () => {
    const [f] = await evaluateAdvice(q, { ...WINDOW, cluster: 'prod' })
    expect(f?.saving.basis).toEqual({
      windowHours: 24,
      podSecondsInWindow: 216,
      weekly: 'projection',
      podSecondsPerHour: 9,
    })
    expect(f?.saving.assumptions.join(' ')).toContain('projection')
    expect(renderAdvice(f!).text).toContain('216 pod-seconds observed in 24 h over 24 pods')
  })

  it('lists the pods it covers, their time in its phases and the slowest three', async () => {
    const [f] = await evaluateAdvice(q, { ...WINDOW, cluster: 'prod' })
    expect(f?.phases).toEqual(['pullWait', 'pull'])
    // 24 pods, each 1 s waiting + 8 s pulling; all equal, so the slowest three are any three of them.
    expect(f?.pods?.count).toBe(24)
    expect(f?.pods?.lostMs).toBe(24 * 9000)
    expect(f?.pods?.slowest).toHaveLength(3)
    for (const p of f?.pods?.slowest ?? [])
      expect(p).toMatchObject({ cluster: 'prod', namespace: 'shop', ms: 9000 })
    expect(f!.saving.basis!.podSecondsInWindow * 1000).toBeLessThanOrEqual(f!.pods!.lostMs)
  })

  it('applies per-cluster thresholds, and covers every cluster when none is named', async () => {
    const config = parseAdviceConfig({
      advice: { clusters: { prod: { 'pre-warm': { minColdPullsPerWeek: 200 } } } },
    })
    expect(await evaluateAdvice(q, { ...WINDOW, cluster: 'prod', config })).toEqual([])
    const all = await evaluateAdvice(q, { ...WINDOW })
    expect(all.map((f) => `${f.scope.cluster}/${f.ruleId}`)).toEqual(['prod/pre-warm'])
  })

  it('has a data version that changes when a startup is written (the dashboard re-evaluates on it)', async () => {
    const before = await adviceDataVersion(q)()
    expect(await adviceDataVersion(q)()).toBe(before)
    await insertStartups(q, [startup({ uid: 'late', cluster: 'staging', createdAtMs: 5000 })], 2)
    const after = await adviceDataVersion(q)()
    expect(after).not.toBe(before)
    expect(after).toMatch(/pod_startups:\d+:2/)
  })
})
