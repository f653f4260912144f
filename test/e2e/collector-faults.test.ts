// The live collector under faults, each suite with a time budget: API server faults from the simulator, a store
// that fails for 60 s, SIGKILL mid-burst and a restart, and garbage on the wire. Afterwards the stored startups
// equal the simulator's truth, each counted once, through the queries the dashboard uses, without OPTIMIZE.
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startSimulatedCluster } from '@podstart/collector/sim'
import { countStartups, startupAggregates } from '@podstart/schema/queries'
import type { StartupRecord } from '@podstart/schema/record'
import { createQuerier, openStore, type Querier } from '@podstart/schema/store'
import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, storedRecords, waitForStartups } from '../support/collector-harness.ts'
import { freePort, startPodstart, waitFor } from '../support/process.ts'

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

/** Stored startups equal the truth: same uids, one each, via count, the aggregate (rollup) query and by uid. */
async function expectStoredEqualsTruth(q: Querier, cluster: string, truth: StartupRecord[]): Promise<void> {
  const n = await waitForStartups(q, cluster, truth.length, 60_000)
  await new Promise((r) => setTimeout(r, 1_500))
  const records = await storedRecords(
    q,
    cluster,
    truth.map((t) => t.uid),
  )
  const missing = truth.filter((t) => !records.has(t.uid)).map((t) => `${t.pod} (${t.outcome})`)
  expect(missing, 'true startups missing from the store').toEqual([])
  expect(await countStartups(q)({ cluster }), 'startups counted once').toBe(truth.length)
  expect(n).toBe(truth.length)
  const from = new Date(Math.min(...truth.map((t) => Date.parse(t.createdAt))) - 3_600_000).toISOString()
  const to = new Date(Date.now() + 3_600_000).toISOString()
  const [all] = await startupAggregates(q)({ from, to, filters: { cluster } })
  expect(all?.startups, 'startups counted once by the dashboard aggregate').toBe(truth.length)
  // A Job pod Ready for under a second before it completed, while the collector was not watching (a gap: SIGKILL,
  // a 410 relist), leaves no trace: the conditions say only which whole second Ready turned False. Such pods may be
  // stored as completed; everything else must match, and the exemptions must stay rare.
  let unobservable = 0
  for (const t of truth) {
    const s = records.get(t.uid)
    const readyMs = t.boundaries.ready ? Date.parse(t.boundaries.ready.at) : null
    const finishedMs = t.boundaries.finished ? Date.parse(t.boundaries.finished.at) : null
    if (
      t.outcome === 'ready' &&
      s?.outcome === 'completed' &&
      readyMs !== null &&
      finishedMs !== null &&
      finishedMs - readyMs < 1000
    ) {
      unobservable++
      continue
    }
    expect(s?.outcome, `${t.pod} outcome`).toBe(t.outcome)
  }
  expect(unobservable, 'sub-second Ready windows lost in a gap').toBeLessThanOrEqual(
    Math.ceil(truth.length * 0.05),
  )
  if (unobservable > 0)
    console.log(`${cluster}: ${unobservable} sub-second Ready windows fell in an observation gap`)
}

describe('collector under faults', () => {
  it('survives closed watches, forced 410s, 500s for 20 s, dropped and delayed events', async () => {
    const h: Harness = await startHarness({
      scenario: 'fast',
      seed: 21,
      pods: 150,
      rate: 6,
      cluster: 'faults',
      faults: 'close-watch=4s,compact=9s,error500=8s+20s,drop-events=0.05,delay-events=1s',
    })
    cleanups.push(() => h.close())
    await h.sim.done
    await expectStoredEqualsTruth(h.querier, 'faults', h.sim.truth())
    const stats = h.collector.stats()
    const restarts = Object.entries(stats.watchRestarts)
    expect(
      restarts.some(([k]) => k.endsWith(':expired')),
      `410 relists in ${JSON.stringify(restarts)}`,
    ).toBe(true)
    expect(
      restarts.some(([k]) => k.endsWith(':error')),
      `error restarts in ${JSON.stringify(restarts)}`,
    ).toBe(true)
    console.log(`faults: watch restarts ${JSON.stringify(stats.watchRestarts)}`)
  }, 150_000)

  it('keeps every startup through a store that fails for 60 s (buffer, retry, no duplicates)', async () => {
    let failUntil = 0
    let failedWrites = 0
    const h = await startHarness(
      { scenario: 'fast', seed: 22, pods: 80, rate: 4, cluster: 'storefail' },
      {},
      {
        wrapQuerier: (real) => ({
          ...real,
          async insert(table, rows, opts) {
            if (Date.now() < failUntil) {
              failedWrites++
              throw new Error('store unavailable (injected)')
            }
            return real.insert(table, rows, opts)
          },
          async command(sql, params) {
            if (Date.now() < failUntil) throw new Error('store unavailable (injected)')
            return real.command(sql, params)
          },
        }),
      },
    )
    cleanups.push(() => h.close())
    await new Promise((r) => setTimeout(r, 5_000))
    failUntil = Date.now() + 60_000
    await h.sim.done
    await waitFor(async () => (Date.now() > failUntil ? true : undefined), 70_000, 'the store outage to end')
    expect(failedWrites).toBeGreaterThan(0)
    await expectStoredEqualsTruth(h.querier, 'storefail', h.sim.truth())
  }, 200_000)

  it('loses and doubles nothing when the collector is SIGKILLed mid-burst and restarted', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-kill-'))
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
    const sim = await startSimulatedCluster({
      port: 0,
      scenario: 'fast',
      seed: 23,
      pods: 100,
      rate: 20,
      cluster: 'killed',
      startDelayMs: 6_000,
    })
    cleanups.push(() => sim.stop())
    const kubeconfig = path.join(dir, 'kubeconfig')
    await sim.writeKubeconfig(kubeconfig)
    const data = path.join(dir, 'store')
    const args = (port: number) => [
      'collect',
      '--cluster',
      'killed',
      '--kubeconfig',
      kubeconfig,
      '--data',
      data,
      '--migrate',
      '--stuck-timeout',
      '8s',
      '--metrics-port',
      String(port),
    ]
    const first = startPodstart(args(await freePort()))
    // Kill once the burst is under way (half the pods created), whatever was buffered is lost from memory.
    await waitFor(async () => (sim.stats().podsCreated >= 50 ? true : undefined), 60_000, 'half the burst')
    first.child.kill('SIGKILL')
    await first.stop()
    const port = await freePort()
    const second = startPodstart(args(port))
    cleanups.push(() => second.stop())
    await sim.done
    const truth = sim.truth()
    // The restarted collector holds the store's lock: wait until it says (on /metrics) it wrote a startup for every
    // pod, however long a loaded machine takes to start it, then stop it and read the store.
    const written = async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      return [...text.matchAll(/^podstart_startups_written_total\{[^}]*\} (\S+)$/gm)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      )
    }
    await waitFor(
      async () => ((await written()) >= truth.length ? true : undefined),
      120_000,
      'the restarted collector to write every startup',
    ).catch(() => undefined)
    await new Promise((r) => setTimeout(r, 3_000))
    const t0 = Date.now()
    const code = await second.stop()
    console.log(
      `restarted collector stopped in ${Date.now() - t0} ms with ${code}; its log tail:\n${second.output().slice(-1500)}`,
    )
    expect(code).toBe(0)
    const store = await openStore({ dataDir: data, database: 'podstart' })
    cleanups.push(() => store.close())
    await expectStoredEqualsTruth(createQuerier(store), 'killed', truth)
  }, 200_000)

  it('counts and skips garbage on the wire and keeps collecting', async () => {
    let proxy: Awaited<ReturnType<typeof garbageProxy>> | undefined
    const h = await startHarness(
      { scenario: 'fast', seed: 24, pods: 60, rate: 10, cluster: 'garbage' },
      {},
      {
        proxy: async (url) => {
          proxy = await garbageProxy(url)
          return proxy
        },
      },
    )
    cleanups.push(() => h.close())
    await h.sim.done
    await expectStoredEqualsTruth(h.querier, 'garbage', h.sim.truth())
    const rejects = h.collector.stats().rejects
    expect(
      Object.keys(rejects).some((k) => k.includes('malformed-json')),
      JSON.stringify(rejects),
    ).toBe(true)
    expect(
      Object.keys(rejects).some((k) => k.includes('without-metadata')),
      JSON.stringify(rejects),
    ).toBe(true)
    expect(proxy?.injected()).toBeGreaterThan(10)
  }, 150_000)
})

/**
 * A proxy in front of the simulated API server that injects, into every watch stream, a line cut in the middle,
 * an event without an object's metadata, and an Event with a reason no kubelet sends.
 */
async function garbageProxy(
  target: string,
): Promise<{ url: string; injected(): number; close(): Promise<void> }> {
  let injected = 0
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        res.flushHeaders()
        const watching = /[?&]watch=(true|1)/.test(req.url ?? '') && up.statusCode === 200
        let pending = ''
        up.on('data', (chunk: Buffer) => {
          if (!watching) {
            res.write(chunk)
            return
          }
          // Inject only between whole lines, so the real events stay intact.
          pending += chunk.toString('utf8')
          const cut = pending.lastIndexOf('\n')
          if (cut < 0) return
          res.write(pending.slice(0, cut + 1))
          pending = pending.slice(cut + 1)
          injected += 3
          res.write('{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"cut-in-the-mi\n')
          res.write('{"type":"MODIFIED","object":{"kind":"Pod"}}\n')
          res.write(
            `${JSON.stringify({ type: 'ADDED', object: { kind: 'Event', apiVersion: 'v1', metadata: { name: `x.${injected}`, namespace: 'default', uid: `g${injected}` }, reason: 'NoSuchReason', message: '?', involvedObject: { kind: 'Pod', name: 'ghost', namespace: 'default', uid: 'ghost' } } })}\n`,
          )
        })
        up.on('end', () => res.end(pending))
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
    res.on('close', () => upstream.destroy())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    injected: () => injected,
    close: () => new Promise((r) => server.close(() => r())),
  }
}
