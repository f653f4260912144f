// Leader election end to end: two `podstart collect --leader-elect` replicas against a simulated cluster's
// Lease; one leads, the standby takes over within the lease duration after the leader is killed, and
// every startup of the run still reaches the store.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type SimulatedCluster, startSimulatedCluster } from '@podstart/collector/sim'
import { countStartups, startupByUid } from '@podstart/schema/queries'
import { createQuerier, openStore, type Store, storeConfigFromEnv } from '@podstart/schema/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnClickHouseHttp } from '../support/clickhouse-http.ts'
import { type RunningProcess, runPodstart, startPodstart, waitFor } from '../support/process.ts'

const LEASE_MS = 3000
const tmp = mkdtempSync(path.join(tmpdir(), 'podstart-leader-'))
let shim: Awaited<ReturnType<typeof spawnClickHouseHttp>>
let sim: SimulatedCluster
let store: Store
const replicas: Record<string, RunningProcess> = {}

async function leaseHolder(): Promise<string | null> {
  const res = await fetch(
    `${sim.url}/apis/coordination.k8s.io/v1/namespaces/podstart/leases/podstart-collector`,
  )
  if (res.status === 404) return null
  const lease = (await res.json()) as { spec?: { holderIdentity?: string } }
  return lease.spec?.holderIdentity ?? ''
}

beforeAll(async () => {
  shim = await spawnClickHouseHttp({
    user: 'podstart',
    password: 'leader-pw',
    dataDir: path.join(tmp, 'server'),
  })
  const env = { CLICKHOUSE_URL: shim.url, CLICKHOUSE_USER: 'podstart', CLICKHOUSE_PASSWORD: 'leader-pw' }
  expect((await runPodstart(['migrate'], { env })).code).toBe(0)
  store = await openStore(storeConfigFromEnv(env))
  // Pods keep arriving for ~12 s, so the takeover happens in the middle of the run.
  sim = await startSimulatedCluster({ scenario: 'fast', pods: 36, rate: 3, cluster: 'sim', seed: 11 })
  const kubeconfig = path.join(tmp, 'kubeconfig')
  await sim.writeKubeconfig(kubeconfig)
  for (const name of ['collector-a', 'collector-b']) {
    replicas[name] = startPodstart(
      [
        'collect',
        '--cluster',
        'sim',
        '--kubeconfig',
        kubeconfig,
        '--metrics-port',
        '0',
        '--leader-elect',
        '--lease-namespace',
        'podstart',
        '--lease-duration',
        `${LEASE_MS / 1000}s`,
      ],
      { env: { ...env, POD_NAME: name } },
    )
  }
})

afterAll(async () => {
  for (const r of Object.values(replicas)) await r.stop('SIGKILL')
  await sim?.stop()
  await store?.close()
  await shim?.close()
  rmSync(tmp, { recursive: true, force: true })
})

const leads = (name: string) => replicas[name]?.output().includes(`leading as ${name}`) ?? false

describe('podstart collect --leader-elect', () => {
  it('one replica leads; after it is killed the standby takes over within the lease duration; nothing is lost', async () => {
    const leader = await waitFor(
      async () => ['collector-a', 'collector-b'].find(leads),
      30_000,
      'a replica to lead',
    )
    const standby = leader === 'collector-a' ? 'collector-b' : 'collector-a'
    // Sample the Lease and the replicas' own reports for a while: one holder, one leader.
    for (let i = 0; i < 20; i++) {
      expect(await leaseHolder()).toBe(leader)
      expect(leads(standby)).toBe(false)
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(replicas[standby]?.output()).toContain(
      `standby until it holds lease podstart/podstart-collector as ${standby}`,
    )

    // Kill the leader without a chance to release: the standby must wait for the lease to expire.
    const killedAt = Date.now()
    await replicas[leader]?.stop('SIGKILL')
    await waitFor(async () => (leads(standby) ? true : undefined), 4 * LEASE_MS, 'the standby to take over')
    const takeoverMs = Date.now() - killedAt
    expect(takeoverMs).toBeLessThan(LEASE_MS + 2 * (LEASE_MS / 5) + 1500)
    expect(await leaseHolder()).toBe(standby)

    // Every startup of the run is stored, including those that happened around the takeover.
    await sim.done
    const truth = sim.truth()
    const q = createQuerier(store)
    await waitFor(
      async () => ((await countStartups(q)({ cluster: 'sim' })) >= truth.length ? true : undefined),
      60_000,
      `${truth.length} startups in the store`,
    )
    for (const r of truth) expect(await startupByUid(q)({ cluster: 'sim', uid: r.uid }), r.pod).not.toBeNull()
    expect(await countStartups(q)({ cluster: 'sim' })).toBe(truth.length)

    // A clean shutdown releases the lease at once.
    expect(await replicas[standby]?.stop('SIGTERM'), replicas[standby]?.output()).toBe(0)
    expect(await leaseHolder()).toBe('')
    console.log(`takeover after SIGKILL of the leader: ${takeoverMs} ms (lease ${LEASE_MS} ms)`)
  })
})
