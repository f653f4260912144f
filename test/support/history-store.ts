// An embedded store filled from the simulator's history through the real lifecycle engine and the live
// collector's row builders (startups, pod events, nodes, workload images, rollouts), with the simulator's
// ground truth and the manifest of what it injected.
import { mkdirSync } from 'node:fs'
import { importWatchLines } from '@podstart/collector/history-import'
import { generateHistory, type HistoryOptions, type InjectedProblem } from '@podstart/collector/sim'
import type { StartupRecord } from '@podstart/schema/record'
import { createQuerier, migrate, openStore, type Querier } from '@podstart/schema/store'

export interface HistoryStore {
  dataDir: string
  cluster: string
  truth: StartupRecord[]
  manifest: InjectedProblem[]
  startups: number
  /** The store, still open when `keepOpen` was asked for (close it before another process opens dataDir). */
  querier?: Querier
  close(): Promise<void>
}

export async function fillHistoryStore(opts: {
  dataDir: string
  history: HistoryOptions & { cluster: string }
  keepOpen?: boolean
}): Promise<HistoryStore> {
  mkdirSync(opts.dataDir, { recursive: true })
  const store = await openStore({ dataDir: opts.dataDir, database: 'podstart' })
  try {
    await migrate(store, { log: () => undefined })
    const querier = createQuerier(store)
    const { result, summary } = await importWatchLines({ cluster: opts.history.cluster, querier }, (sink) =>
      generateHistory(opts.history, sink),
    )
    const filled: HistoryStore = {
      dataDir: opts.dataDir,
      cluster: opts.history.cluster,
      truth: result.truth,
      manifest: result.manifest,
      startups: summary.startups,
      close: () => store.close(),
    }
    if (opts.keepOpen) return { ...filled, querier }
    await store.close()
    return { ...filled, close: async () => undefined }
  } catch (err) {
    await store.close()
    throw err
  }
}
