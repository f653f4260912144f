// The live collector against the simulated cluster's ground truth, through the real watch path and the real
// embedded store: every true startup present, no phantoms, and per-phase coverage and error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accuracy,
  accuracyTable,
  type Harness,
  startHarness,
  storedRecords,
  waitForStartups,
} from '../support/collector-harness.ts'

describe('collector accuracy against the simulator truth', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ scenario: 'fast', seed: 11, pods: 120, rate: 40, cluster: 'acc' })
  }, 60_000)
  afterAll(async () => h?.close(), 60_000)

  it('stores every true startup once, with each phase within 100 ms for >= 99% of startups', async () => {
    await h.sim.done
    const truth = h.sim.truth()
    expect(truth.length).toBe(120)
    const stored = await waitForStartups(h.querier, 'acc', truth.length, 60_000)
    await new Promise((r) => setTimeout(r, 1_000))
    const records = await storedRecords(
      h.querier,
      'acc',
      truth.map((t) => t.uid),
    )
    const missing = truth.filter((t) => !records.has(t.uid))
    expect(missing.map((t) => `${t.pod} ${t.outcome} ${t.outcomeReason}`)).toEqual([])
    expect(stored).toBe(truth.length)
    for (const t of truth) {
      const s = records.get(t.uid)!
      expect(s.outcome, `${t.pod} outcome`).toBe(t.outcome)
      expect(s.node, `${t.pod} node`).toBe(t.node)
      expect(s.workload, `${t.pod} workload`).toEqual(t.workload)
    }
    if (process.env.PODSTART_DEBUG_ACCURACY) {
      const worst = [...truth]
        .filter((t) => t.totalMs !== null)
        .sort(
          (a, b) =>
            Math.abs(records.get(b.uid)!.totalMs! - b.totalMs!) -
            Math.abs(records.get(a.uid)!.totalMs! - a.totalMs!),
        )
        .slice(0, 3)
      for (const t of worst)
        console.log(
          JSON.stringify(
            {
              truth: t.boundaries,
              stored: records.get(t.uid)!.boundaries,
              tp: t.phases,
              sp: records.get(t.uid)!.phases,
            },
            null,
            1,
          ),
        )
    }
    const rows = accuracy(truth, records)
    console.log(`collector accuracy (fast scenario, 120 pods)\n${accuracyTable(rows)}`)
    for (const r of rows) {
      expect(r.coverage, `${r.phase} coverage`).toBeGreaterThanOrEqual(0.99)
      expect(r.withinShare, `${r.phase} within 100 ms`).toBeGreaterThanOrEqual(0.99)
    }
  }, 180_000)
})
