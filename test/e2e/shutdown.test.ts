// SIGTERM while the store has stopped answering: `podstart collect` in server mode writes through a proxy in
// front of the ClickHouse HTTP interface; once a switch is flipped the proxy holds every request forever. The
// collector must still exit within --shutdown-timeout plus a small margin, with EXIT.partial (4) and a line
// naming the rows it left per table; a second signal exits at once.
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startSimulatedCluster } from '@podstart/collector/sim'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnClickHouseHttp } from '../support/clickhouse-http.ts'
import { freePort, runPodstart, startPodstart, waitFor } from '../support/process.ts'

const USER = 'podstart'
const PASSWORD = 'pw-shutdown-Lm3r'
const SHUTDOWN_MS = 5_000
/** Process start-up of the exit path (tsx, the forced exit after a held socket) on a busy 2-core machine. */
const MARGIN_MS = 2_000
const tmp = mkdtempSync(path.join(tmpdir(), 'podstart-shutdown-'))
let shim: Awaited<ReturnType<typeof spawnClickHouseHttp>>

/** Forwards to the store until stalled; then every request (new or retried) is held, never answered. */
async function stallingProxy(target: string) {
  const to = new URL(target)
  let stalled = false
  const held: http.ServerResponse[] = []
  let forwarded = 0
  const server = http.createServer((req, res) => {
    if (stalled) {
      held.push(res)
      req.resume()
      return
    }
    forwarded++
    const up = http.request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers)
        r.pipe(res)
      },
    )
    up.on('error', () => res.destroy())
    req.pipe(up)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stall: () => {
      stalled = true
    },
    held: () => held.length,
    forwarded: () => forwarded,
    close: async () => {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    },
  }
}

async function storedStartups(cluster: string): Promise<number> {
  const res = await fetch(`${shim.url}/?database=podstart`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${USER}:${PASSWORD}`)}` },
    body: `SELECT count() FROM pod_startups WHERE cluster = '${cluster}'`,
  })
  return Number((await res.text()).trim())
}

beforeAll(async () => {
  shim = await spawnClickHouseHttp({ user: USER, password: PASSWORD, dataDir: path.join(tmp, 'store') })
  const env = { CLICKHOUSE_URL: shim.url, CLICKHOUSE_USER: USER, CLICKHOUSE_PASSWORD: PASSWORD }
  const migrated = await runPodstart(['migrate'], { env })
  expect(migrated.code, migrated.stderr).toBe(0)
}, 120_000)

afterAll(async () => {
  await shim?.close()
  rmSync(tmp, { recursive: true, force: true })
})

async function collectorWithStalledStore(name: string) {
  const proxy = await stallingProxy(shim.url)
  // Pods keep starting for a minute: startups become final (and buffered) after the store stalled.
  const sim = await startSimulatedCluster({
    port: 0,
    scenario: 'fast',
    seed: 3,
    pods: 600,
    rate: 10,
    startDelayMs: 2_000,
  })
  const kubeconfig = path.join(tmp, `${name}.kubeconfig`)
  await sim.writeKubeconfig(kubeconfig)
  const metricsPort = await freePort()
  const proc = startPodstart(
    [
      'collect',
      '--cluster',
      name,
      '--kubeconfig',
      kubeconfig,
      '--metrics-port',
      String(metricsPort),
      '--shutdown-timeout',
      `${SHUTDOWN_MS / 1000}s`,
    ],
    { env: { CLICKHOUSE_URL: proxy.url, CLICKHOUSE_USER: USER, CLICKHOUSE_PASSWORD: PASSWORD } },
  )
  // Writes go through first: some startups are stored.
  await waitFor(
    async () => ((await storedStartups(name)) > 0 ? true : undefined),
    90_000,
    `first startups (${proc.output()})`,
  )
  proxy.stall()
  const buffered = async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
    const rows = [...text.matchAll(/^podstart_sink_buffer_rows\{table="(\w+)"\} (\d+)/gm)]
    return rows.reduce((n, m) => n + Number(m[2]), 0)
  }
  // The store holds the next write; startups keep arriving into the buffer.
  await waitFor(
    async () => (proxy.held() > 0 && (await buffered()) > 0 ? true : undefined),
    60_000,
    'a held write and buffered rows',
  )
  return {
    proc,
    close: async () => {
      await proc.stop('SIGKILL')
      await sim.stop()
      await proxy.close()
    },
  }
}

describe('SIGTERM with a store that stopped answering mid-write', () => {
  it(`collect exits within --shutdown-timeout (${SHUTDOWN_MS} ms) + ${MARGIN_MS} ms with 4, naming the rows left per table`, async () => {
    const { proc, close } = await collectorWithStalledStore('stall-once')
    try {
      const t0 = Date.now()
      const code = await proc.stop('SIGTERM')
      const tookMs = Date.now() - t0
      console.log(`collect: exit ${code} ${tookMs} ms after SIGTERM (timeout ${SHUTDOWN_MS} ms)`)
      console.log(/podstart collect: stopped in .*/.exec(proc.output())?.[0])
      expect(code, proc.output().slice(-3000)).toBe(4)
      expect(tookMs).toBeLessThan(SHUTDOWN_MS + MARGIN_MS)
      expect(tookMs).toBeGreaterThanOrEqual(SHUTDOWN_MS - 1_500)
      const last = /podstart collect: stopped in \d+ ms: (\d+) rows left unwritten \(([^)]+)\)/.exec(
        proc.output(),
      )
      expect(last, proc.output().slice(-3000)).not.toBeNull()
      expect(Number(last?.[1])).toBeGreaterThan(0)
      expect(last?.[2]).toMatch(/^[\w ]+ \d+(, [\w ]+ \d+)*$/)
      expect(proc.output()).not.toContain(PASSWORD)
    } finally {
      await close()
    }
  }, 240_000)

  it('a second SIGTERM exits at once, still saying rows were left (4)', async () => {
    const { proc, close } = await collectorWithStalledStore('stall-twice')
    try {
      proc.child.kill('SIGTERM')
      await new Promise((r) => setTimeout(r, 300))
      const t0 = Date.now()
      const code = await proc.stop('SIGTERM')
      const tookMs = Date.now() - t0
      console.log(`collect: exit ${code} ${tookMs} ms after the second SIGTERM`)
      expect(code, proc.output().slice(-3000)).toBe(4)
      expect(tookMs).toBeLessThan(1_000)
      expect(proc.output()).toMatch(/second SIGTERM: exiting now, \d+ buffered rows left unwritten/)
    } finally {
      await close()
    }
  }, 240_000)
})
