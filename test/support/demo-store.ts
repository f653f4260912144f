// A store filled from the simulated cluster the way users fill one: simulated history written as an NDJSON
// watch stream, loaded with `podstart import` (lifecycle engine, startups, events, nodes, rollup rebuild).
// Returns the simulator's ground truth so tests can compare what the dashboard shows against it.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import path from 'node:path'
import { generateHistory } from '@podstart/collector/sim'
import type { StartupRecord } from '@podstart/schema/record'
import { runPodstart } from './process.ts'

export interface DemoStore {
  dataDir: string
  cluster: string
  truth: StartupRecord[]
  /** Milliseconds the history ends at (a minute before it was generated). */
  endAtMs: number
}

export async function buildDemoStore(opts: {
  dir: string
  cluster?: string
  days?: number
  podsPerHour?: number
  seed?: number
}): Promise<DemoStore> {
  const cluster = opts.cluster ?? 'demo'
  const dataDir = path.join(opts.dir, 'store')
  mkdirSync(opts.dir, { recursive: true })
  const file = path.join(opts.dir, 'history.ndjson')
  const fd = openSync(file, 'w')
  const endAtMs = Date.now() - 60_000
  let truth: StartupRecord[]
  try {
    ;({ truth } = generateHistory(
      {
        seed: opts.seed ?? 7,
        scenario: 'demo',
        days: opts.days ?? 2,
        podsPerHour: opts.podsPerHour ?? 60,
        endAtMs,
        cluster,
        regressionLastWeek: true,
      },
      (line) => {
        writeSync(fd, `${JSON.stringify(line)}\n`)
      },
    ))
  } finally {
    closeSync(fd)
  }
  const r = await runPodstart(['import', file, '--cluster', cluster, '--data', dataDir], {
    timeoutMs: 300_000,
  })
  if (r.code !== 0) throw new Error(`podstart import failed (${r.code}): ${r.stderr.slice(-2000)}`)
  return { dataDir, cluster, truth, endAtMs }
}
