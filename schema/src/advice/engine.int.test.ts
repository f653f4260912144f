// evaluateAdvice end to end over the real embedded store: signals fetched, rules run, findings ranked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

  it('applies per-cluster thresholds, and covers every cluster when none is named', async () => {
    const config = parseAdviceConfig({
      advice: { clusters: { prod: { 'pre-warm': { minColdPullsPerWeek: 200 } } } },
    })
    expect(await evaluateAdvice(q, { ...WINDOW, cluster: 'prod', config })).toEqual([])
    const all = await evaluateAdvice(q, { ...WINDOW })
    expect(all.map((f) => `${f.scope.cluster}/${f.ruleId}`)).toEqual(['prod/pre-warm'])
  })
})
