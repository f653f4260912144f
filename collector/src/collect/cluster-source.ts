// Where `podstart up` collects from: the current kubeconfig context when a cluster answers, else (or with
// --demo) the built-in simulated cluster, seeded once with simulated history so the dashboard has weeks to show.
// In server mode (a shared ClickHouse) the simulated cluster starts only with --demo: demo rows must never
// land in a production store because a cluster happened to be out of reach.
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { countStartups } from '@podstart/schema/queries'
import type { Querier } from '@podstart/schema/store'
import { EXIT } from '../exit-codes.ts'
import { KubeAccess } from '../kube/access.ts'
import type { KubeObject } from '../lifecycle/kube-object.ts'
import type { generateHistorySliced as GenerateHistorySliced } from '../sim/index.ts'
import { HistoryImport } from './history-import.ts'

export interface ClusterSource {
  cluster: string
  access: KubeAccess
  description: string
  simulated: boolean
  stop(): Promise<void>
}

export interface ClusterSourceOptions {
  demo: boolean
  /** The store is a ClickHouse server (CLICKHOUSE_URL): no fallback to the simulated cluster. */
  serverMode?: boolean
  kubeconfig?: string
  context?: string
  cluster?: string
  /** How much simulated history the demo starts with (default 14 days; 0 for none). */
  historyMs?: number
  /** Where a kubeconfig could be (the entries of $KUBECONFIG); ~/.kube/config is always looked at. */
  kubeconfigPaths: string[]
  /** Running in a pod (KUBERNETES_SERVICE_HOST set): the in-cluster config is there. */
  inCluster: boolean
  querier: Querier
  log: (line: string) => void
}

function kubeconfigAvailable(opts: ClusterSourceOptions): boolean {
  const paths = [...opts.kubeconfigPaths, path.join(os.homedir(), '.kube', 'config')]
  return paths.some((p) => existsSync(p)) || opts.inCluster
}

async function reachable(access: KubeAccess): Promise<string | null> {
  try {
    const res = await access.request('/version', {}, AbortSignal.timeout(3_000))
    await res.body?.cancel()
    return null
  } catch (err) {
    return (err as Error).message
  }
}

/** Server mode without a reachable cluster and without --demo: exit 3, never demo data. */
class NoClusterError extends Error {
  readonly exitCode = EXIT.unavailable
  constructor(reason: string) {
    super(
      `no cluster reachable (${reason}). In server mode (CLICKHOUSE_URL set) the simulated cluster never ` +
        'starts on its own: give --kubeconfig/--context for a reachable cluster, --no-collector to serve ' +
        'the dashboard only, or --demo to write simulated startups into this store on purpose',
    )
  }
}

export async function startClusterSource(opts: ClusterSourceOptions): Promise<ClusterSource> {
  if (!opts.demo) {
    let reason: string | null
    try {
      if (!opts.kubeconfig && !kubeconfigAvailable(opts))
        throw new Error('no kubeconfig ($KUBECONFIG, ~/.kube/config) and not in a pod')
      const access = KubeAccess.load({ kubeconfig: opts.kubeconfig, context: opts.context })
      reason = await reachable(access)
      if (reason === null) {
        const cluster = opts.cluster ?? (access.kc.getCurrentContext() || 'default')
        opts.log(`cluster: watching ${access.describe()}`)
        return {
          cluster,
          access,
          description: access.describe(),
          simulated: false,
          stop: async () => undefined,
        }
      }
    } catch (err) {
      reason = (err as Error).message
    }
    if (opts.serverMode) throw new NoClusterError(reason ?? 'unknown reason')
    opts.log(`cluster: no cluster reachable (${reason}); starting the simulated cluster (demo)`)
  } else {
    opts.log(
      opts.serverMode
        ? 'cluster: --demo given; starting the simulated cluster, writing demo startups into the ClickHouse server'
        : 'cluster: --demo given; starting the simulated cluster',
    )
  }
  return startDemo(opts)
}

async function startDemo(opts: ClusterSourceOptions): Promise<ClusterSource> {
  const { generateHistorySliced, startSimulatedCluster } = await import('../sim/index.ts')
  const cluster = opts.cluster ?? 'demo'
  const historyMs = opts.historyMs ?? 14 * 86_400_000
  const sim = await startSimulatedCluster({ port: 0, scenario: 'demo', cluster, seed: Date.now() % 100_000 })
  const access = KubeAccess.fromString(sim.kubeconfig())
  opts.log(`demo: simulated cluster serving on ${sim.url}`)
  // History is imported in the background, in slices written as they are made, so the dashboard serves
  // (and shows the oldest days) within seconds while the rest arrives.
  const stopping = { value: false }
  let history: Promise<void> = Promise.resolve()
  if (historyMs > 0 && (await countStartups(opts.querier)({ cluster })) === 0) {
    opts.log(
      `demo: importing ${Math.round(historyMs / 86_400_000)} days of simulated history in the background`,
    )
    history = importHistory(opts, cluster, historyMs, generateHistorySliced, stopping).then(
      (written) => opts.log(`demo: stored ${written} historical startups`),
      (err: Error) => {
        if (!stopping.value) opts.log(`demo: history import failed: ${err.message}`)
      },
    )
  }
  return {
    cluster,
    access,
    description: `the simulated cluster at ${sim.url}`,
    simulated: true,
    stop: async () => {
      stopping.value = true
      await history
      await sim.stop()
    },
  }
}

/** Feeds simulated history through the lifecycle engine and the collector's row builders (no dump file). */
async function importHistory(
  opts: ClusterSourceOptions,
  cluster: string,
  historyMs: number,
  generate: typeof GenerateHistorySliced,
  stopping: { value: boolean },
): Promise<number> {
  const endAtMs = Date.now() - 60_000
  const days = historyMs / 86_400_000
  const history = await HistoryImport.open({ cluster, querier: opts.querier })
  let slices = 0
  const total = Math.ceil(historyMs / (6 * 3_600_000))
  await generate(
    { seed: 7, scenario: 'demo', days, podsPerHour: 60, endAtMs, cluster, regressionLastWeek: true },
    (line) => history.observe(line.type, line.object as KubeObject, Date.parse(line.observedAt)),
    async () => {
      if (stopping.value) throw new Error('stopped')
      await history.flush()
      if (++slices % 8 === 0) opts.log(`demo: history ${Math.min(100, Math.round((slices / total) * 100))}%`)
      // Let the server answer between slices.
      await new Promise((r) => setImmediate(r))
    },
  )
  return (await history.finish()).startups
}
