// Upgrades: a collector newer than the store's schema refuses to start (exit 1, one clear line) until
// `podstart migrate` has run; then it starts, and migrate --retention sets the configured TTLs.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type SimulatedCluster, startSimulatedCluster } from '@podstart/collector/sim'
import {
  loadMigrations,
  MIGRATIONS_DIR,
  migrate,
  openStore,
  storeConfigFromEnv,
} from '@podstart/schema/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnClickHouseHttp } from '../support/clickhouse-http.ts'
import { runPodstart, startPodstart, waitFor } from '../support/process.ts'

const tmp = mkdtempSync(path.join(tmpdir(), 'podstart-upgrade-'))
let shim: Awaited<ReturnType<typeof spawnClickHouseHttp>>
let sim: SimulatedCluster
let env: Record<string, string>
const kubeconfig = path.join(tmp, 'kubeconfig')

beforeAll(async () => {
  shim = await spawnClickHouseHttp({
    user: 'podstart',
    password: 'upgrade-pw',
    dataDir: path.join(tmp, 'server'),
  })
  env = { CLICKHOUSE_URL: shim.url, CLICKHOUSE_USER: 'podstart', CLICKHOUSE_PASSWORD: 'upgrade-pw' }
  sim = await startSimulatedCluster({ scenario: 'fast', pods: 5, cluster: 'sim' })
  await sim.writeKubeconfig(kubeconfig)
  // The store as an older podstart left it: only the first migration applied.
  const old = path.join(tmp, 'migrations-v1')
  cpSync(MIGRATIONS_DIR, old, { recursive: true, filter: (f) => !/\/0(?!001)\d{3}_[^/]*$/.test(f) })
  expect(loadMigrations(old).map((m) => m.name)).toEqual(['0001_init'])
  const store = await openStore(storeConfigFromEnv(env))
  await migrate(store, { dir: old })
  await store.close()
})

afterAll(async () => {
  await sim?.stop()
  await shim?.close()
  rmSync(tmp, { recursive: true, force: true })
})

describe('upgrading the schema', () => {
  it('podstart collect refuses an older schema until podstart migrate runs', async () => {
    const args = ['collect', '--cluster', 'sim', '--kubeconfig', kubeconfig, '--metrics-port', '0']
    const refused = await runPodstart(args, { env })
    expect(refused.code).toBe(1)
    const pending = loadMigrations()
      .slice(1)
      .map((m) => m.name)
    expect(refused.stderr.trim()).toBe(
      `podstart collect: the store's schema is older than this collector (pending: ${pending.join(', ')}); run "podstart migrate" first`,
    )

    const config = path.join(tmp, 'podstart.yaml')
    writeFileSync(config, 'retention:\n  pod_startups: 120\n  pod_events: 3\n')
    const migrated = await runPodstart(['migrate', '--retention', '--config', config], { env })
    expect(migrated.code, migrated.stderr).toBe(0)
    for (const name of pending) expect(migrated.stdout).toContain(`applied ${name}`)
    expect(migrated.stdout).toContain('retention: pod_startups keeps 120 days')
    expect(migrated.stdout).toContain('retention: pod_events keeps 3 days')

    const collector = startPodstart(args, { env })
    await waitFor(
      async () => (collector.output().includes('podstart collect: watching') ? true : undefined),
      20_000,
      'the collector to start',
    )
    expect(await collector.stop('SIGTERM'), collector.output()).toBe(0)
    expect(collector.output()).not.toContain('older than this collector')
  })
})
