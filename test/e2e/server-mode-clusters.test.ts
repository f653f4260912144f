// Many clusters, one store: two `podstart collect` processes, each watching its own simulated cluster under
// its own --cluster name, write through ClickHouse's HTTP interface into one database; queries split by cluster.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type SimulatedCluster, startSimulatedCluster } from '@podstart/collector/sim'
import { countStartups, phaseBreakdown, startupByUid } from '@podstart/schema/queries'
import type { StartupRecord } from '@podstart/schema/record'
import { createQuerier, openStore, type Store, storeConfigFromEnv } from '@podstart/schema/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnClickHouseHttp } from '../support/clickhouse-http.ts'
import { type RunningProcess, runPodstart, startPodstart, waitFor } from '../support/process.ts'

const USER = 'podstart'
const PASSWORD = 'clusters-pw-31'
const tmp = mkdtempSync(path.join(tmpdir(), 'podstart-clusters-'))
let shim: Awaited<ReturnType<typeof spawnClickHouseHttp>>
let store: Store
const sims: Record<string, SimulatedCluster> = {}
const collectors: RunningProcess[] = []
const truth: Record<string, StartupRecord[]> = {}

beforeAll(async () => {
  shim = await spawnClickHouseHttp({ user: USER, password: PASSWORD, dataDir: path.join(tmp, 'server') })
  const env = { CLICKHOUSE_URL: shim.url, CLICKHOUSE_USER: USER, CLICKHOUSE_PASSWORD: PASSWORD }
  const migrated = await runPodstart(['migrate'], { env })
  expect(migrated.code, migrated.stderr).toBe(0)
  store = await openStore(storeConfigFromEnv(env))
  for (const [name, pods, seed] of [
    ['eu-west', 18, 3],
    ['us-east', 11, 4],
  ] as const) {
    const sim = await startSimulatedCluster({ scenario: 'fast', pods, seed, cluster: name })
    sims[name] = sim
    const kubeconfig = path.join(tmp, `${name}.kubeconfig`)
    await sim.writeKubeconfig(kubeconfig)
    collectors.push(
      startPodstart(
        [
          'collect',
          '--cluster',
          name,
          '--kubeconfig',
          kubeconfig,
          '--metrics-port',
          '0',
          '--stuck-timeout',
          '2m',
        ],
        { env },
      ),
    )
  }
  for (const [name, sim] of Object.entries(sims)) {
    await sim.done
    truth[name] = sim.truth()
  }
})

afterAll(async () => {
  for (const c of collectors) await c.stop()
  for (const sim of Object.values(sims)) await sim.stop()
  await store?.close()
  await shim?.close()
  rmSync(tmp, { recursive: true, force: true })
})

describe('two clusters into one store over HTTP', () => {
  it('each collector writes its own cluster; counts and the breakdown split by cluster', async () => {
    const q = createQuerier(store)
    for (const [name, records] of Object.entries(truth)) {
      await waitFor(
        async () => ((await countStartups(q)({ cluster: name })) >= records.length ? true : undefined),
        60_000,
        `${records.length} startups of ${name} in the store`,
      )
    }
    // Clean shutdown flushes and exits 0.
    for (const c of collectors) expect(await c.stop('SIGTERM'), c.output()).toBe(0)
    for (const [name, records] of Object.entries(truth)) {
      expect(await countStartups(q)({ cluster: name })).toBe(records.length)
    }
    const window = {
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
    }
    const rows = await phaseBreakdown(q)({ ...window, groupBy: ['cluster'] })
    const byCluster = Object.fromEntries(rows.map((r) => [r.group.cluster, r]))
    expect(Object.keys(byCluster).sort()).toEqual(['eu-west', 'us-east'])
    for (const [name, records] of Object.entries(truth)) {
      const row = byCluster[name]
      expect(row?.startups).toBe(records.length)
      // Every startup of the cluster's ground truth is stored under that cluster, and under no other.
      const other = name === 'eu-west' ? 'us-east' : 'eu-west'
      for (const r of records) {
        expect((await startupByUid(q)({ cluster: name, uid: r.uid }))?.pod, r.pod).toBe(r.pod)
        expect(await startupByUid(q)({ cluster: other, uid: r.uid })).toBeNull()
      }
    }
    // A filter on one cluster sees only that cluster.
    const eu = await phaseBreakdown(q)({ ...window, groupBy: ['cluster'], filters: { cluster: 'eu-west' } })
    expect(eu.map((r) => r.group.cluster)).toEqual(['eu-west'])
  })
})
