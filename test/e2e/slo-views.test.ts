// The official SLI and the peers' views (clusterloader2, kube-burner) from the live collector's stored startups,
// against the same views computed from the simulator's truth (true times; "observed via watch" = when the
// simulated API server sent the update). The simulator runs as its own process (`podstart simulate`).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Collector } from '@podstart/collector/collect'
import { KubeAccess } from '@podstart/collector/kube'
import {
  type Cl2PerfData,
  cl2View,
  kubeBurnerView,
  nearestRank,
  peerPodOfRecord,
  sliPerClusterDay,
  sloPeerPods,
} from '@podstart/schema/queries'
import { PHASE_NAMES, type StartupRecord } from '@podstart/schema/record'
import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { afterAll, describe, expect, it } from 'vitest'
import { storedRecords, waitForStartups } from '../support/collector-harness.ts'
import { type RunningProcess, runPodstart, startPodstart, waitFor } from '../support/process.ts'

const PODS = 120

describe('SLO views against the simulator truth', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-slo-views-'))
  const cleanups: Array<() => Promise<unknown>> = []
  afterAll(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.()
    rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  it('SLI, clusterloader2 (both stampings) and kube-burner agree with their truth; podstart slo prints them', async () => {
    const kubeconfig = path.join(dir, 'kubeconfig')
    const truthFile = path.join(dir, 'truth.ndjson')
    const sim: RunningProcess = startPodstart([
      'simulate',
      '--scenario',
      'fast',
      '--seed',
      '18',
      '--pods',
      String(PODS),
      '--rate',
      '40',
      '--cluster',
      'slo',
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

    const dataDir = path.join(dir, 'store')
    const store = await openStore({ dataDir, database: 'podstart' })
    let storeOpen = true
    cleanups.push(async () => storeOpen && store.close())
    await migrate(store, { log: () => undefined })
    const q = createQuerier(store)
    const collector = new Collector({
      cluster: 'slo',
      access: KubeAccess.load({ kubeconfig }),
      querier: q,
      graceMs: 2_000,
      stuckTimeoutMs: 8_000,
      flushIntervalMs: 200,
    })
    collector.start()
    let collecting = true
    cleanups.push(async () => collecting && collector.stop(5_000))

    await waitFor(
      async () => (existsSync(truthFile) ? true : undefined),
      120_000,
      `the truth (${sim.output()})`,
    )
    const truth = readFileSync(truthFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as StartupRecord)
    expect(truth.length).toBe(PODS)
    expect(await waitForStartups(q, 'slo', PODS, 60_000)).toBe(PODS)
    await new Promise((r) => setTimeout(r, 3_000))
    await collector.stop(5_000)
    collecting = false

    // Per pod: the same exclusion, and the SLI within the watch's delivery lag of its truth.
    const stored = await storedRecords(
      q,
      'slo',
      truth.map((t) => t.uid),
    )
    let sameExclusion = 0
    const mismatched: string[] = []
    const sliErr: number[] = []
    for (const t of truth) {
      const s = stored.get(t.uid)
      if (s?.sli?.excluded === t.sli?.excluded) sameExclusion++
      else
        mismatched.push(
          JSON.stringify({
            pod: t.pod,
            stored: [s?.sli, s?.observed, s?.outcome],
            truth: [t.sli, t.observed, t.outcome],
          }),
        )
      if (s?.sli?.ms != null && t.sli?.ms != null) sliErr.push(Math.abs(s.sli.ms - t.sli.ms))
    }
    if (mismatched.length > 0) console.log(`exclusions that differ from the truth:\n${mismatched.join('\n')}`)
    expect(sameExclusion / PODS).toBeGreaterThanOrEqual(0.99)
    sliErr.sort((a, b) => a - b)
    expect(sliErr.length).toBeGreaterThan(PODS * 0.5)
    console.log(
      `SLI error per pod (ms) p50/p90/p99/max: ${[0.5, 0.9, 0.99, 1].map((p) => nearestRank(sliErr, p)).join('/')}`,
    )
    // Both ends are watch receipts (the created boundary is the ADDED update's receipt): their delivery lags, a few
    // ms, up to a few hundred in a burst, are the error.
    expect(nearestRank(sliErr, 0.9)).toBeLessThanOrEqual(100)
    expect(nearestRank(sliErr, 0.99)).toBeLessThanOrEqual(250)

    // The SLI per cluster-day: included counts equal, p50/p90/p99 within 100 ms of the truth's.
    const from = new Date(Math.min(...truth.map((t) => Date.parse(t.createdAt))) - 60_000).toISOString()
    const to = new Date(Date.now() + 60_000).toISOString()
    const days = await sliPerClusterDay(q)({ from, to, cluster: 'slo' })
    const truthSli = truth
      .map((t) => t.sli?.ms)
      .filter((v): v is number => typeof v === 'number')
      .sort((a, b) => a - b)
    const included = days.reduce((n, d) => n + d.included, 0)
    // A pod the collector got wrong (stored failed, truly ready) may be missing: at most 1%.
    expect(Math.abs(included - truthSli.length)).toBeLessThanOrEqual(Math.ceil(PODS * 0.01))
    if (days.length === 1) {
      const d = days[0]!
      for (const [p, got] of [
        [0.5, d.p50Ms],
        [0.9, d.p90Ms],
        [0.99, d.p99Ms],
      ] as const)
        expect(Math.abs((got ?? Number.NaN) - (nearestRank(truthSli, p) as number))).toBeLessThanOrEqual(250)
    }

    // clusterloader2, both stampings: pod_startup within 200 ms (delivery lags) of the truth's; kube-burner: conditions exact.
    const peers = await sloPeerPods(q)({ from, to, cluster: 'slo' })
    const truthPeers = truth.map(peerPodOfRecord)
    const perc = (d: Cl2PerfData, metric: string) => d.dataItems.find((i) => i.labels.Metric === metric)?.data
    const side: string[] = []
    for (const stamping of ['receipt', 'classic'] as const) {
      const got = cl2View(peers, stamping)
      const want = cl2View(truthPeers, stamping)
      expect(got.counts.pod_startup).toBe(want.counts.pod_startup)
      for (const k of ['Perc50', 'Perc90', 'Perc99'] as const)
        expect(
          Math.abs(
            (perc(got.perfData, 'pod_startup')?.[k] ?? 0) - (perc(want.perfData, 'pod_startup')?.[k] ?? 0),
          ),
        ).toBeLessThanOrEqual(200)
      // The receipt stamping's schedule is the receipt of the bound update (the truth: when the server sent it).
      if (stamping === 'receipt')
        for (const k of ['Perc50', 'Perc90', 'Perc99'] as const)
          expect(
            Math.abs(
              (perc(got.perfData, 'create_to_schedule')?.[k] ?? 0) -
                (perc(want.perfData, 'create_to_schedule')?.[k] ?? 0),
            ),
          ).toBeLessThanOrEqual(200)
      for (const i of got.perfData.dataItems) {
        const w = perc(want.perfData, i.labels.Metric)
        side.push(
          `cl2 ${stamping} ${i.labels.Metric}: ${i.data.Perc50}/${i.data.Perc90}/${i.data.Perc99} (truth ${w?.Perc50}/${w?.Perc90}/${w?.Perc99})`,
        )
      }
    }
    const opts = { uuid: 'slo-e2e', timestamp: '2026-01-01T00:00:00Z' }
    const kbAll = kubeBurnerView(peers, opts)
    expect(Math.abs(kbAll.pods - kubeBurnerView(truthPeers, opts).pods)).toBeLessThanOrEqual(
      Math.ceil(PODS * 0.01),
    )
    // Its figures on the pods both call Ready (a pod the collector got wrong would move every rank by one).
    const agree = truth.filter(
      (t) => (stored.get(t.uid)?.conditions?.Ready != null) === (t.conditions?.Ready != null),
    )
    expect(agree.length / PODS).toBeGreaterThanOrEqual(0.99)
    const kb = kubeBurnerView(
      agree.map((t) => peerPodOfRecord(stored.get(t.uid) as StartupRecord)),
      opts,
    )
    const kbTruth = kubeBurnerView(agree.map(peerPodOfRecord), opts)
    expect(kb.pods).toBe(kbTruth.pods)
    for (const d of kb.quantiles) {
      const w = kbTruth.quantiles.find((x) => x.quantileName === d.quantileName)
      side.push(
        `kube-burner ${d.quantileName}: ${d.P50}/${d.P95}/${d.P99} (truth ${w?.P50}/${w?.P95}/${w?.P99})`,
      )
      // Condition stamps are stored as served: the same figures. Event times: within the kubelet's event lag.
      const tol = ['PodScheduled', 'ContainersStarted'].includes(d.quantileName) ? 100 : 0
      for (const k of ['P50', 'P95', 'P99'] as const)
        expect(Math.abs(d[k] - (w?.[k] ?? 0))).toBeLessThanOrEqual(tol)
    }
    const phase = (rs: StartupRecord[], f: (r: StartupRecord) => number | null | undefined) => {
      const v = rs
        .map(f)
        .filter((x): x is number => typeof x === 'number')
        .sort((a, b) => a - b)
      return `${nearestRank(v, 0.5)}/${nearestRank(v, 0.9)}/${nearestRank(v, 0.99)}`
    }
    const storedList = [...stored.values()]
    side.push(
      `SLI p50/p90/p99: ${phase(storedList, (r) => r.sli?.ms)} (truth ${phase(truth, (r) => r.sli?.ms)})`,
    )
    side.push(`podstart sloMs: ${phase(storedList, (r) => r.sloMs)} (truth ${phase(truth, (r) => r.sloMs)})`)
    side.push(
      `podstart total: ${phase(storedList, (r) => r.totalMs)} (truth ${phase(truth, (r) => r.totalMs)})`,
    )
    for (const p of PHASE_NAMES)
      side.push(
        `podstart ${p}: ${phase(storedList, (r) => r.phases[p])} (truth ${phase(truth, (r) => r.phases[p])})`,
      )
    console.log(`side by side (p50/p90/p99 ms, ${PODS} pods):\n${side.join('\n')}`)

    // The CLI prints clusterloader2's PerfData and kube-burner's quantile documents from the same store.
    await store.close()
    storeOpen = false
    const cli = await runPodstart(['slo', '--as', 'cl2', '--json', '--data', dataDir, '--cluster', 'slo'])
    expect(cli.code).toBe(0)
    const perfData = JSON.parse(cli.stdout) as Cl2PerfData
    expect(perfData.version).toBe('1.0')
    expect(perc(perfData, 'pod_startup')).toEqual(perc(cl2View(peers, 'receipt').perfData, 'pod_startup'))
    const kbCli = await runPodstart([
      'slo',
      '--as',
      'kube-burner',
      '--json',
      '--data',
      dataDir,
      '--uuid',
      'x',
    ])
    expect(kbCli.code).toBe(0)
    const docs = JSON.parse(kbCli.stdout) as Array<{ quantileName: string; P99: number; uuid: string }>
    expect(docs.find((d) => d.quantileName === 'Ready')?.P99).toBe(
      kbAll.quantiles.find((d) => d.quantileName === 'Ready')?.P99,
    )
    expect(docs.every((d) => d.uuid === 'x')).toBe(true)
    const sliCli = await runPodstart(['slo', '--as', 'sli', '--data', dataDir])
    expect(sliCli.code).toBe(0)
    expect(sliCli.stdout).toContain('Official pod startup SLI')
    const bad = await runPodstart(['slo', '--as', 'prometheus', '--data', dataDir])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--as must be sli, cl2, kube-burner, got "prometheus"')
  }, 300_000)
})
