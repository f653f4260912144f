// Server mode over real HTTP: CLICKHOUSE_URL points at a ClickHouse HTTP interface (the shim in
// support/clickhouse-http.ts, backed by the real engine); migrations, inserts and queries go through
// @clickhouse/client's HTTP path and read back the same as embedded mode.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startSimulatedCluster } from '@podstart/collector/sim'
import { countStartups, phaseBreakdown, startupByUid } from '@podstart/schema/queries'
import type { StartupRecord } from '@podstart/schema/record'
import {
  createQuerier,
  loadMigrations,
  migrate,
  openStore,
  type Store,
  storeConfigFromEnv,
} from '@podstart/schema/store'
import { insertStartups } from '@podstart/schema/writes'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnClickHouseHttp } from '../support/clickhouse-http.ts'
import { runPodstart } from '../support/process.ts'

const USER = 'podstart'
const PASSWORD = 'pw-7Hq2-not-in-logs'
let shim: Awaited<ReturnType<typeof spawnClickHouseHttp>>
let records: StartupRecord[]
const tmp = mkdtempSync(path.join(tmpdir(), 'podstart-server-mode-'))

const serverEnv = (over: Record<string, string> = {}) => ({
  CLICKHOUSE_URL: shim.url,
  CLICKHOUSE_USER: USER,
  CLICKHOUSE_PASSWORD: PASSWORD,
  CLICKHOUSE_DATABASE: 'podstart',
  ...over,
})

beforeAll(async () => {
  shim = await spawnClickHouseHttp({ user: USER, password: PASSWORD, dataDir: path.join(tmp, 'server') })
  // Real-looking startups: the simulated cluster's ground truth for a small run.
  const sim = await startSimulatedCluster({ scenario: 'fast', pods: 24, cluster: 'prod-eu', seed: 7 })
  await sim.done
  records = sim.truth()
  await sim.stop()
  expect(records.length).toBe(24)
})

afterAll(async () => {
  await shim?.close()
  rmSync(tmp, { recursive: true, force: true })
})

describe('server mode over HTTP', () => {
  it('podstart migrate applies every migration over HTTP, then reports up to date', async () => {
    const first = await runPodstart(['migrate'], { env: serverEnv() })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`migrating ClickHouse at ${shim.url} (database podstart)`)
    for (const m of loadMigrations()) expect(first.stdout).toContain(`applied ${m.name}`)
    const second = await runPodstart(['migrate', '--json'], { env: serverEnv() })
    expect(second.code).toBe(0)
    const result = JSON.parse(second.stdout) as { applied: string[]; migrations: { status: string }[] }
    expect(result.applied).toEqual([])
    expect(result.migrations.every((m) => m.status === 'applied')).toBe(true)
  })

  it('startups inserted over HTTP read back identical to embedded mode', async () => {
    const server = await openStore(storeConfigFromEnv(serverEnv()))
    const embeddedDir = path.join(tmp, 'embedded')
    const embedded = await openStore({ dataDir: embeddedDir, database: 'podstart' })
    try {
      expect(server.mode).toBe('server')
      expect(embedded.mode).toBe('embedded')
      await migrate(embedded)
      const version = Date.now()
      for (const store of [server, embedded]) await insertStartups(createQuerier(store), records, version)
      const read = async (store: Store) => {
        const q = createQuerier(store)
        const byUid = await Promise.all(
          records.map((r) => startupByUid(q)({ cluster: r.cluster, uid: r.uid })),
        )
        const window = {
          from: new Date(Date.parse(records[0]?.createdAt ?? '') - 86_400_000).toISOString(),
          to: new Date(Date.now() + 86_400_000).toISOString(),
        }
        const breakdown = await phaseBreakdown(q)({ ...window, groupBy: ['namespace', 'workload'] })
        const count = await countStartups(q)({ cluster: 'prod-eu' })
        return { byUid, breakdown, count }
      }
      const viaHttp = await read(server)
      const viaEmbedded = await read(embedded)
      expect(viaHttp.byUid.every((r) => r !== null)).toBe(true)
      expect(viaHttp.count).toEqual(viaEmbedded.count)
      expect(viaHttp.byUid).toEqual(viaEmbedded.byUid)
      expect(viaHttp.breakdown).toEqual(viaEmbedded.breakdown)
      expect(viaHttp.breakdown.reduce((n, g) => n + g.startups, 0)).toBe(records.length)
      // And the same as what was written (ground truth of the simulated cluster).
      for (const [i, r] of records.entries()) {
        expect(viaHttp.byUid[i]?.uid).toBe(r.uid)
        expect(viaHttp.byUid[i]?.totalMs).toBe(r.totalMs)
        expect(viaHttp.byUid[i]?.outcome).toBe(r.outcome)
      }
    } finally {
      await server.close()
      await embedded.close()
    }
  })

  it('a wrong password gives one clear line, without the password', async () => {
    const wrong = 'wrong-pw-Zx81'
    const { code, stdout, stderr } = await runPodstart(['migrate'], {
      env: serverEnv({ CLICKHOUSE_PASSWORD: wrong }),
    })
    expect(code).toBe(3)
    expect(stdout).toBe('')
    const lines = stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^podstart migrate: cannot reach ClickHouse at http:\/\/127\.0\.0\.1:\d+: .*Authentication failed/,
    )
    expect(stderr).not.toContain(wrong)
    expect(stderr).not.toContain(PASSWORD)
  })

  it('a password in CLICKHOUSE_URL is never printed either', async () => {
    const url = new URL(shim.url)
    url.username = USER
    url.password = 'in-url-secret-55'
    const { code, stderr } = await runPodstart(['migrate'], {
      env: { CLICKHOUSE_URL: url.toString(), CLICKHOUSE_DATABASE: 'podstart' },
    })
    expect(code).toBe(3)
    expect(stderr).not.toContain('in-url-secret-55')
    expect(stderr).toContain(`ClickHouse at ${shim.url}`)
  })

  it('--on-cluster: every CREATE is ON CLUSTER with a Replicated engine, every other DDL ON CLUSTER', async () => {
    const { code, stdout } = await runPodstart(
      ['migrate', '--dry', '--json', '--on-cluster', 'podstart_main'],
      {
        env: serverEnv(),
      },
    )
    expect(code).toBe(0)
    const plan = JSON.parse(stdout) as { migrations: { name: string; statements: string[] }[] }
    expect(plan.migrations.map((m) => m.name)).toEqual(loadMigrations().map((m) => m.name))
    const statements = plan.migrations.flatMap((m) => m.statements.map((sql) => ({ m: m.name, sql })))
    expect(statements.length).toBeGreaterThan(5)
    let creates = 0
    for (const { m, sql } of statements) {
      const code = sql.replace(/--[^\n]*/g, '').trim()
      const where = `${m}: ${code.slice(0, 80)}`
      expect(code, where).toMatch(/^(CREATE|ALTER|DROP|RENAME|TRUNCATE)\b/i)
      const object =
        /^(?:CREATE|ALTER|DROP|TRUNCATE)\s+(?:TABLE|MATERIALIZED VIEW|VIEW|DICTIONARY)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(\w+)/i.exec(
          code,
        )
      expect(object, where).not.toBeNull()
      expect(code.slice(object?.[0].length ?? 0), where).toMatch(/^ ON CLUSTER 'podstart_main'/)
      if (/^CREATE TABLE/i.test(code)) {
        creates++
        const engine = /ENGINE\s*=\s*(\w+)\(([^)]*)\)/.exec(code)
        expect(engine?.[1], where).toMatch(/^Replicated\w*MergeTree$/)
        expect(engine?.[2], where).toContain(
          `'/clickhouse/tables/{shard}/{database}/${object?.[1]}', '{replica}'`,
        )
      }
    }
    expect(creates).toBeGreaterThanOrEqual(10)
  })
})
