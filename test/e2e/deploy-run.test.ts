// The shipped manifests run as they are: each container's exact args and env (kubectl kustomize output; Secret
// references replaced by values pointing at this test's server-mode store, ConfigMaps written to a directory,
// only the listening ports swapped for free ones) as a real podstart process against a ClickHouse HTTP
// interface. The dashboard container serves pages for a while and writes nothing: every table's row count is
// unchanged and every statement it sent is a read. The gate is checked on every route and method.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startSimulatedCluster } from '@podstart/collector/sim'
import { writeStartups } from '@podstart/schema/rollups'
import { createQuerier, openStore, storeConfigFromEnv } from '@podstart/schema/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ClickHouseHttp, startClickHouseHttp } from '../support/clickhouse-http.ts'
import { type K8sObject, kustomize, type LocalContainer, localContainer } from '../support/manifests.ts'
import { captured, freePort, podstartBin, repoRoot, waitFor } from '../support/process.ts'

const USER = 'podstart'
const PASSWORD = 'pw-deploy-run-9QvX'
const TOKEN = 'dashboard-token-for-the-e2e-0001'
const METRICS_TOKEN = 'metrics-token-for-the-e2e-00002'
const tmp = mkdtempSync(path.join(tmpdir(), 'podstart-deploy-run-'))
let shim: ClickHouseHttp
let base: K8sObject[]
const MARK = '/* deploy-run test */'

const secrets = () => ({
  'podstart-clickhouse': {
    CLICKHOUSE_URL: shim.url,
    CLICKHOUSE_USER: USER,
    CLICKHOUSE_PASSWORD: PASSWORD,
    CLICKHOUSE_DATABASE: 'podstart',
  },
  'podstart-dashboard': { PODSTART_DASHBOARD_TOKEN: TOKEN },
  'podstart-metrics': { PODSTART_METRICS_TOKEN: METRICS_TOKEN },
})

/** A container as the kubelet would start it: its env only, plus what every pod gets (service env, HOME). */
function run(
  c: LocalContainer,
  kubernetesPort: number,
): { child: ChildProcess; output(): string; exited: Promise<number | null> } {
  const home = mkdtempSync(path.join(tmp, 'home-'))
  const child = spawn(process.execPath, [podstartBin, ...c.args], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: String(kubernetesPort),
      ...c.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return { child, ...captured(child) }
}

async function sql<T>(query: string): Promise<T[]> {
  const res = await fetch(`${shim.url}/?database=podstart`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${USER}:${PASSWORD}`)}` },
    body: `${MARK} ${query} FORMAT JSONEachRow`,
  })
  const text = await res.text()
  if (!res.ok) throw new Error(text)
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T)
}

/** Row count of every table in the database. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>(
    "SELECT name FROM system.tables WHERE database = 'podstart' AND engine NOT LIKE '%View' ORDER BY name",
  )
  const counts: Record<string, number> = {}
  for (const { name } of tables)
    counts[name] = Number((await sql<{ n: string }>(`SELECT count() AS n FROM ${name}`))[0]?.n)
  return counts
}

const READ = /^\s*(?:\/\*.*?\*\/\s*|--[^\n]*\n\s*)*(SELECT|WITH|SHOW|DESCRIBE|DESC|EXISTS|EXPLAIN)\b/is

beforeAll(async () => {
  shim = await startClickHouseHttp({ user: USER, password: PASSWORD, dataDir: path.join(tmp, 'store') })
  base = kustomize('base')
  // The collector's init container, exactly as rendered: migrations and retention into the server store.
  const migrate = run(
    localContainer(base, 'podstart-collector', 'migrate', {
      secrets: secrets(),
      configDir: path.join(tmp, 'cfg-migrate'),
    }),
    await freePort(),
  )
  expect(await migrate.exited, migrate.output()).toBe(0)
  // Something to show: a small simulated cluster's ground truth.
  const sim = await startSimulatedCluster({ scenario: 'fast', pods: 24, cluster: 'prod-eu', seed: 11 })
  await sim.done
  const records = sim.truth()
  await sim.stop()
  const store = await openStore(storeConfigFromEnv(secrets()['podstart-clickhouse']))
  try {
    await writeStartups(createQuerier(store), records, Date.now())
  } finally {
    await store.close()
  }
}, 180_000)

afterAll(async () => {
  await shim?.close()
  rmSync(tmp, { recursive: true, force: true })
})

describe('deploy/base run as rendered, against a server-mode store', () => {
  it('the dashboard renders the same in every server-mode overlay', () => {
    const dash = (objs: K8sObject[]) =>
      objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'podstart-dashboard')?.spec.template
        .spec
    expect(dash(kustomize('overlays/kubelet-metrics'))).toEqual(dash(base))
  })

  it('the dashboard container serves pages for a while and writes nothing; the gate holds on every route and method', async () => {
    const port = await freePort()
    const c = localContainer(base, 'podstart-dashboard', 'dashboard', {
      secrets: secrets(),
      configDir: path.join(tmp, 'cfg-dashboard'),
      ports: { '--port': port },
    })
    expect(c.args).toContain('--no-collector')
    const before = await rowCounts()
    expect(before.pod_startups).toBe(24)
    const firstStatement = shim.statements.length
    const dashboard = run(c, await freePort())
    const url = `http://127.0.0.1:${port}`
    const auth = { authorization: `Bearer ${TOKEN}` }
    try {
      await waitFor(
        async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined),
        90_000,
        `readyz (${dashboard.output()})`,
      )
      // Pages, API and metrics for ~20 s, as a browser and Prometheus would.
      const pages = ['/', '/advice', '/images', '/reports', '/alerts', '/clusters/prod-eu', '/api/health']
      const until = Date.now() + 20_000
      let served = 0
      while (Date.now() < until) {
        for (const p of pages) {
          const res = await fetch(`${url}${p}`, { headers: auth })
          expect(res.status, p).toBe(200)
          await res.arrayBuffer()
          served++
        }
        expect(
          (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status,
        ).toBe(200)
      }
      expect(served).toBeGreaterThan(pages.length)

      // Security headers on pages, and on the process's own answers.
      const page = await fetch(`${url}/`, { headers: auth })
      expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/)
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/)
      expect(page.headers.get('x-frame-options')).toBe('DENY')
      expect(page.headers.get('x-content-type-options')).toBe('nosniff')
      expect(page.headers.get('referrer-policy')).toBe('no-referrer')
      const health = await fetch(`${url}/healthz`)
      expect(health.headers.get('x-content-type-options')).toBe('nosniff')
      expect(health.headers.get('x-frame-options')).toBe('DENY')

      // Only GET and HEAD, everywhere, credentials or not.
      const routes = [
        '/',
        '/advice',
        '/api/health',
        '/healthz',
        '/readyz',
        '/metrics',
        '/_next/static/x.js',
        '/nope',
      ]
      for (const route of routes) {
        for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
          for (const headers of [{}, auth]) {
            const res = await fetch(`${url}${route}`, {
              method,
              headers,
              body: method === 'DELETE' ? undefined : 'x',
            })
            expect(res.status, `${method} ${route}`).toBe(405)
            expect(res.headers.get('allow'), `${method} ${route}`).toBe('GET, HEAD')
          }
        }
        expect(
          (await fetch(`${url}${route}`, { method: 'HEAD', headers: auth })).status,
          `HEAD ${route}`,
        ).not.toBe(405)
      }
      // Probes open; everything else needs a credential; the metrics token opens /metrics only.
      expect((await fetch(`${url}/healthz`)).status).toBe(200)
      expect((await fetch(`${url}/readyz`)).status).toBe(200)
      expect((await fetch(`${url}/`)).status).toBe(401)
      expect((await fetch(`${url}/metrics`)).status).toBe(401)
      expect((await fetch(`${url}/metrics`, { headers: auth })).status).toBe(200)
      const metricsTokenOnPage = await fetch(`${url}/`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      })
      expect(metricsTokenOnPage.status).toBe(401)
      const exchange = await fetch(`${url}/?token=${TOKEN}`, { redirect: 'manual' })
      expect(exchange.status).toBe(303)
      expect(exchange.headers.get('set-cookie')).toMatch(/podstart_token=.*HttpOnly/i)
      expect((await fetch(`${url}/`, { headers: { cookie: `podstart_token=${TOKEN}` } })).status).toBe(200)

      // Give background work (advice warm-up, caches) its chance to write, then compare.
      await new Promise((r) => setTimeout(r, 3_000))
      const sent = shim.statements.slice(firstStatement).filter((s) => !s.includes(MARK))
      expect(sent.length).toBeGreaterThan(0)
      const writes = sent.filter((s) => !READ.test(s))
      expect(writes, 'statements other than reads').toEqual([])
      expect(await rowCounts()).toEqual(before)
      console.log(`dashboard container: ${served} pages served, ${sent.length} statements, 0 writes`)
    } finally {
      dashboard.child.kill('SIGTERM')
      expect(await dashboard.exited, dashboard.output()).toBe(0)
    }
    expect(dashboard.output()).not.toContain(TOKEN)
    expect(dashboard.output()).not.toContain(PASSWORD)
    expect(dashboard.output()).not.toMatch(/simulated cluster|demo/)
  }, 240_000)

  it('the old dashboard args (no --no-collector) exit 3 in server mode without a cluster, writing nothing', async () => {
    const c = localContainer(base, 'podstart-dashboard', 'dashboard', {
      secrets: secrets(),
      configDir: path.join(tmp, 'cfg-old'),
      ports: { '--port': await freePort() },
    })
    const before = await rowCounts()
    const old = run({ ...c, args: c.args.filter((a) => a !== '--no-collector') }, await freePort())
    expect(await old.exited, old.output()).toBe(3)
    expect(old.output()).toMatch(
      /no cluster reachable .*server mode \(CLICKHOUSE_URL set\) the simulated cluster never starts on its own/s,
    )
    expect(old.output()).not.toContain('starting the simulated cluster')
    expect(await rowCounts()).toEqual(before)
  }, 120_000)

  it('the collector container without a reachable API server exits 3 and writes nothing', async () => {
    const c = localContainer(base, 'podstart-collector', 'collector', {
      secrets: secrets(),
      configDir: path.join(tmp, 'cfg-collector'),
      ports: { '--metrics-port': await freePort() },
    })
    expect(c.args[c.args.indexOf('--metrics-host') + 1]).toBe('0.0.0.0')
    const before = await rowCounts()
    const collector = run(c, await freePort())
    expect(await collector.exited, collector.output()).toBe(3)
    expect(await rowCounts()).toEqual(before)
    expect(collector.output()).not.toContain(PASSWORD)
  }, 120_000)
})
