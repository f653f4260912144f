// The live collector against the simulated cluster's ground truth, through the real watch path and the real
// embedded store: every true startup present, no phantoms, and per-phase coverage and error. The simulated API
// server runs as its own process (`podstart simulate`), as a real one would, so its clock is not the collector's.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Collector } from '@podstart/collector/collect'
import { KubeAccess } from '@podstart/collector/kube'
import type { StartupRecord } from '@podstart/schema/record'
import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { afterAll, describe, expect, it } from 'vitest'
import { accuracy, accuracyTable, storedRecords, waitForStartups } from '../support/collector-harness.ts'
import { type RunningProcess, startPodstart, waitFor } from '../support/process.ts'

describe('collector accuracy against the simulator truth', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-accuracy-'))
  const cleanups: Array<() => Promise<unknown>> = []
  afterAll(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.()
    rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  it('stores every true startup once, with each phase within 100 ms for >= 99% of startups', async () => {
    const kubeconfig = path.join(dir, 'kubeconfig')
    const truthFile = path.join(dir, 'truth.ndjson')
    const sim: RunningProcess = startPodstart([
      'simulate',
      '--scenario',
      'fast',
      '--seed',
      '11',
      '--pods',
      '120',
      '--rate',
      '40',
      '--cluster',
      'acc',
      '--start-delay',
      '4s',
      '--kubeconfig-out',
      kubeconfig,
      '--truth',
      truthFile,
      '--exit-when-done',
    ])
    cleanups.push(() => sim.stop())
    await waitFor(
      async () => (existsSync(kubeconfig) ? true : undefined),
      30_000,
      `the kubeconfig (${sim.output()})`,
    )

    const store = await openStore({ dataDir: path.join(dir, 'store'), database: 'podstart' })
    cleanups.push(() => store.close())
    await migrate(store, { log: () => undefined })
    const q = createQuerier(store)
    const collector = new Collector({
      cluster: 'acc',
      access: KubeAccess.load({ kubeconfig }),
      querier: q,
      graceMs: 2_000,
      stuckTimeoutMs: 8_000,
      flushIntervalMs: 200,
    })
    collector.start()
    cleanups.push(() => collector.stop(5_000))

    await waitFor(
      async () => (existsSync(truthFile) ? true : undefined),
      120_000,
      `the truth (${sim.output()})`,
    )
    await new Promise((r) => setTimeout(r, 500))
    const truth = readFileSync(truthFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as StartupRecord)
    expect(truth.length).toBe(120)
    const stored = await waitForStartups(q, 'acc', truth.length, 60_000)
    await new Promise((r) => setTimeout(r, 1_000))
    const records = await storedRecords(
      q,
      'acc',
      truth.map((t) => t.uid),
    )
    const missing = truth.filter((t) => !records.has(t.uid))
    expect(missing.map((t) => `${t.pod} ${t.outcome} ${t.outcomeReason}`)).toEqual([])
    expect(stored, 'no phantom startups').toBe(truth.length)
    for (const t of truth) {
      const s = records.get(t.uid)!
      expect(s.outcome, `${t.pod} outcome`).toBe(t.outcome)
      expect(s.node, `${t.pod} node`).toBe(t.node)
      expect(s.workload, `${t.pod} workload`).toEqual(t.workload)
    }
    const rows = accuracy(truth, records)
    console.log(`collector accuracy (fast scenario, 120 pods)\n${accuracyTable(rows)}`)
    for (const r of rows) {
      expect(r.coverage, `${r.phase} coverage`).toBeGreaterThanOrEqual(0.99)
      expect(r.withinShare, `${r.phase} within 100 ms`).toBeGreaterThanOrEqual(0.99)
    }
  }, 240_000)
})
