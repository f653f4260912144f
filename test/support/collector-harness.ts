// Runs the real collector against the simulated cluster into a real embedded store, and compares what it
// stored with the simulator's ground truth.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Collector } from '@podstart/collector/collect'
import { KubeAccess } from '@podstart/collector/kube'
import {
  kubeconfigYaml,
  type SimOptions,
  type SimulatedCluster,
  startSimulatedCluster,
} from '@podstart/collector/sim'
import { countStartups, startupByUid } from '@podstart/schema/queries'
import { ADDITIVE_PHASES, type PhaseName, type StartupRecord } from '@podstart/schema/record'
import { createQuerier, migrate, openStore, type Querier, type Store } from '@podstart/schema/store'

export interface Harness {
  sim: SimulatedCluster
  store: Store
  querier: Querier
  collector: Collector
  dir: string
  close(): Promise<void>
}

export interface HarnessOptions {
  /** Wraps the real store's querier (e.g. to make writes fail for a while). */
  wrapQuerier?: (real: Querier) => Querier
  /** Puts something between the collector and the simulated API server; returns the URL to use instead. */
  proxy?: (simUrl: string) => Promise<{ url: string; close(): Promise<void> }>
}

export async function startHarness(
  simOptions: SimOptions,
  collectorOptions: Partial<ConstructorParameters<typeof Collector>[0]> = {},
  harnessOptions: HarnessOptions = {},
): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-harness-'))
  const store = await openStore({ dataDir: path.join(dir, 'store'), database: 'podstart' })
  await migrate(store, { log: () => undefined })
  const querier = createQuerier(store)
  const collectorQuerier = harnessOptions.wrapQuerier ? harnessOptions.wrapQuerier(querier) : querier
  // Pods start being created only once the collector watches, so every startup is observed from creation.
  const sim = await startSimulatedCluster({ port: 0, startDelayMs: 3_000, ...simOptions })
  const proxy = harnessOptions.proxy ? await harnessOptions.proxy(sim.url) : null
  const cluster = simOptions.cluster ?? 'sim'
  const collector = new Collector({
    cluster,
    access: KubeAccess.fromString(proxy ? kubeconfigYaml(proxy.url, cluster) : sim.kubeconfig()),
    querier: collectorQuerier,
    graceMs: 2_000,
    stuckTimeoutMs: 8_000,
    flushIntervalMs: 200,
    stallMs: 15_000,
    ...collectorOptions,
  })
  collector.start()
  return {
    sim,
    store,
    querier,
    collector,
    dir,
    async close() {
      await collector.stop(5_000).catch(() => undefined)
      await proxy?.close()
      await sim.stop()
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Waits until the store holds `expected` startups (counted the way the dashboard counts them). */
export async function waitForStartups(
  q: Querier,
  cluster: string,
  expected: number,
  timeoutMs: number,
): Promise<number> {
  const until = Date.now() + timeoutMs
  let n = 0
  while (Date.now() < until) {
    n = await countStartups(q)({ cluster })
    if (n >= expected) return n
    await new Promise((r) => setTimeout(r, 250))
  }
  return n
}

export async function storedRecords(
  q: Querier,
  cluster: string,
  uids: string[],
): Promise<Map<string, StartupRecord>> {
  const out = new Map<string, StartupRecord>()
  for (const uid of uids) {
    const r = await startupByUid(q)({ cluster, uid })
    if (r) out.set(uid, r)
  }
  return out
}

export interface PhaseAccuracy {
  phase: PhaseName | 'total'
  truthHasValue: number
  collectorHasValue: number
  coverage: number
  within100ms: number
  withinShare: number
  p50ErrorMs: number
  p99ErrorMs: number
  maxErrorMs: number
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

/** Coverage and error per phase of stored records against the truth (only where the truth has a value). */
export function accuracy(truth: StartupRecord[], stored: Map<string, StartupRecord>): PhaseAccuracy[] {
  const phases = [...ADDITIVE_PHASES, 'total'] as const
  return phases.map((phase) => {
    const errors: number[] = []
    let truthHas = 0
    for (const t of truth) {
      const tv = phase === 'total' ? t.totalMs : t.phases[phase]
      if (tv === null) continue
      truthHas++
      const s = stored.get(t.uid)
      const sv = s ? (phase === 'total' ? s.totalMs : s.phases[phase]) : null
      if (sv === null || sv === undefined) continue
      errors.push(Math.abs(sv - tv))
    }
    errors.sort((a, b) => a - b)
    const within = errors.filter((e) => e <= 100).length
    return {
      phase,
      truthHasValue: truthHas,
      collectorHasValue: errors.length,
      coverage: truthHas ? errors.length / truthHas : 1,
      within100ms: within,
      withinShare: truthHas ? within / truthHas : 1,
      p50ErrorMs: quantile(errors, 0.5),
      p99ErrorMs: quantile(errors, 0.99),
      maxErrorMs: errors.at(-1) ?? 0,
    }
  })
}

export function accuracyTable(rows: PhaseAccuracy[]): string {
  const head = 'phase        truth  stored  coverage  <=100ms   p50err  p99err  maxerr'
  const lines = rows.map(
    (r) =>
      `${r.phase.padEnd(11)} ${String(r.truthHasValue).padStart(6)} ${String(r.collectorHasValue).padStart(7)} ${(r.coverage * 100).toFixed(1).padStart(8)}% ${(r.withinShare * 100).toFixed(1).padStart(7)}% ${String(r.p50ErrorMs).padStart(7)} ${String(r.p99ErrorMs).padStart(7)} ${String(r.maxErrorMs).padStart(7)}`,
  )
  return [head, ...lines].join('\n')
}
