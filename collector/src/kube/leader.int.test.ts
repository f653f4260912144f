// Leader election against a small Lease server over real HTTP: one leader at a time, takeover within the
// lease duration when the leader goes silent, immediate handover on release, 409 on a stale write.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { KubeAccess } from './access.ts'
import { LeaderElector, type Lease } from './leader.ts'

interface LeaseServer {
  url: string
  leases: Map<string, Lease>
  /** Requests from clients of this port hang (a partitioned leader); the other port keeps working. */
  partition(port: 'a' | 'b', on: boolean): void
  urls: { a: string; b: string }
  writes: { method: string; holder: string | null | undefined; status: number; atMs: number }[]
  close(): Promise<void>
}

const PATH = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/?]+))?$/

async function startLeaseServer(): Promise<LeaseServer> {
  const leases = new Map<string, Lease>()
  const writes: LeaseServer['writes'] = []
  let rv = 100
  const partitioned = { a: false, b: false }
  const status = (res: http.ServerResponse, code: number, reason: string, message: string) => {
    res.writeHead(code, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code }))
  }
  const handler = (port: 'a' | 'b') => async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (partitioned[port]) return // never answers: the client's timeout fires
    const url = new URL(req.url ?? '/', 'http://x')
    const m = PATH.exec(url.pathname)
    if (!m) return status(res, 404, 'NotFound', 'no such path')
    const ns = m[1] as string
    let body = ''
    for await (const chunk of req) body += chunk
    const key = `${ns}/${m[2] ?? ''}`
    if (req.method === 'GET') {
      const lease = leases.get(key)
      if (!lease) return status(res, 404, 'NotFound', `leases.coordination.k8s.io "${m[2]}" not found`)
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify(lease))
    }
    const lease = JSON.parse(body) as Lease
    const name = lease.metadata.name
    const target = `${ns}/${name}`
    const existing = leases.get(target)
    if (req.method === 'POST') {
      if (existing) {
        writes.push({ method: 'POST', holder: lease.spec?.holderIdentity, status: 409, atMs: Date.now() })
        return status(res, 409, 'AlreadyExists', `leases.coordination.k8s.io "${name}" already exists`)
      }
    } else if (req.method === 'PUT') {
      if (!existing) return status(res, 404, 'NotFound', 'not found')
      if (existing.metadata.resourceVersion !== lease.metadata.resourceVersion) {
        writes.push({ method: 'PUT', holder: lease.spec?.holderIdentity, status: 409, atMs: Date.now() })
        return status(
          res,
          409,
          'Conflict',
          'the object has been modified; please apply your changes to the latest version',
        )
      }
    } else return status(res, 405, 'MethodNotAllowed', 'method not allowed')
    rv++
    const stored: Lease = {
      ...lease,
      metadata: { ...lease.metadata, namespace: ns, resourceVersion: String(rv) },
    }
    leases.set(target, stored)
    writes.push({
      method: req.method,
      holder: lease.spec?.holderIdentity,
      status: req.method === 'POST' ? 201 : 200,
      atMs: Date.now(),
    })
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(stored))
  }
  const servers = [http.createServer(handler('a')), http.createServer(handler('b'))]
  const urls = await Promise.all(
    servers.map(
      (s) =>
        new Promise<string>((resolve) =>
          s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)),
        ),
    ),
  )
  return {
    url: urls[0] as string,
    urls: { a: urls[0] as string, b: urls[1] as string },
    leases,
    writes,
    partition(port, on) {
      partitioned[port] = on
    },
    async close() {
      for (const s of servers) {
        s.closeAllConnections()
        await new Promise((r) => s.close(r))
      }
    },
  }
}

function accessFor(server: string): KubeAccess {
  return KubeAccess.fromString(`apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: test } }]
contexts: [{ name: c, context: { cluster: c, user: u } }]
current-context: c
`)
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function elector(server: string, identity: string, leaseDurationMs: number, events: string[]): LeaderElector {
  const e = new LeaderElector({
    access: accessFor(server),
    namespace: 'podstart',
    name: 'podstart-collector',
    identity,
    leaseDurationMs,
    onStartedLeading: () => {
      events.push(`${identity}:start`)
    },
    onStoppedLeading: (reason) => {
      events.push(`${identity}:stop:${reason}`)
    },
  })
  cleanups.push(() => e.stop())
  return e
}

/** Samples both electors every 10 ms; returns how many samples saw two leaders, and who led over time. */
function sampleLeaders(electors: LeaderElector[]) {
  let both = 0
  const timeline: string[] = []
  const timer = setInterval(() => {
    const leaders = electors.filter((e) => e.isLeader()).map((e) => e.identity)
    if (leaders.length > 1) both++
    const now = leaders.join(',') || '-'
    if (timeline.at(-1) !== now) timeline.push(now)
  }, 10)
  return {
    stop() {
      clearInterval(timer)
      return { both, timeline }
    },
  }
}

const waitUntil = async (cond: () => boolean, ms: number, what: string) => {
  const until = Date.now() + ms
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('LeaderElector', () => {
  it('creates the lease, elects exactly one of two replicas, and the other stays standby', async () => {
    const server = await startLeaseServer()
    cleanups.push(() => server.close())
    const events: string[] = []
    const a = elector(server.urls.a, 'replica-a', 2000, events)
    const b = elector(server.urls.b, 'replica-b', 2000, events)
    const sampler = sampleLeaders([a, b])
    a.start()
    b.start()
    await waitUntil(() => a.isLeader() || b.isLeader(), 2000, 'a leader')
    await new Promise((r) => setTimeout(r, 2500)) // more than a lease duration: renewals keep it
    const { both, timeline } = sampler.stop()
    expect(both).toBe(0)
    expect(timeline.filter((t) => t !== '-')).toHaveLength(1)
    const lease = server.leases.get('podstart/podstart-collector')
    const leader = a.isLeader() ? a : b
    expect(lease?.spec?.holderIdentity).toBe(leader.identity)
    expect(lease?.spec?.leaseDurationSeconds).toBe(2)
    expect(lease?.spec?.leaseTransitions).toBe(0)
    expect(lease?.spec?.acquireTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    expect(Date.parse(lease?.spec?.renewTime ?? '')).toBeGreaterThan(
      Date.parse(lease?.spec?.acquireTime ?? ''),
    )
    expect(events).toEqual([`${leader.identity}:start`])
  })

  it('a silent leader loses the lease; the standby takes over within the lease duration, never both', async () => {
    const server = await startLeaseServer()
    cleanups.push(() => server.close())
    const events: string[] = []
    const leaseMs = 2000
    const a = elector(server.urls.a, 'replica-a', leaseMs, events)
    a.start()
    await waitUntil(() => a.isLeader(), 2000, 'replica-a to lead')
    const b = elector(server.urls.b, 'replica-b', leaseMs, events)
    b.start()
    await new Promise((r) => setTimeout(r, 300))
    expect(b.isLeader()).toBe(false)
    const sampler = sampleLeaders([a, b])
    // The leader's API server connection goes dark: its renewals hang and time out.
    const silentAt = Date.now()
    server.partition('a', true)
    await waitUntil(() => b.isLeader(), 3 * leaseMs, 'replica-b to take over')
    const tookOverMs = Date.now() - silentAt
    await new Promise((r) => setTimeout(r, 500))
    const { both, timeline } = sampler.stop()
    expect(both).toBe(0)
    expect(timeline).toEqual(['replica-a', '-', 'replica-b'])
    // The standby first sees the lease unchanged at its next retry (<= lease/5 after the last renew),
    // then waits one lease duration from that sighting, then retries every lease/5.
    expect(tookOverMs).toBeLessThanOrEqual(leaseMs + 2 * (leaseMs / 5) + 300)
    expect(events).toEqual([
      'replica-a:start',
      'replica-a:stop:could not renew the lease in time',
      'replica-b:start',
    ])
    expect(server.leases.get('podstart/podstart-collector')?.spec?.leaseTransitions).toBe(1)
    // The old leader comes back: it sees a live lease held by replica-b and stays standby for as long as
    // replica-b keeps renewing. On a loaded machine replica-b may itself miss a renewal by more than the lease
    // duration; replica-a may then take the lease, but only after such a gap, and never while b still leads.
    const liftedAt = Date.now()
    const after = sampleLeaders([a, b])
    server.partition('a', false)
    await new Promise((r) => setTimeout(r, leaseMs))
    expect(after.stop().both).toBe(0)
    const aTook = server.writes.find((w) => w.holder === 'replica-a' && w.status < 300 && w.atMs >= liftedAt)
    if (aTook) {
      const bWrites = server.writes.filter(
        (w) => w.holder === 'replica-b' && w.status < 300 && w.atMs < aTook.atMs,
      )
      const lastB = bWrites.at(-1)
      expect(lastB, 'replica-b renewed before replica-a took the lease back').toBeDefined()
      expect(aTook.atMs - (lastB?.atMs ?? 0)).toBeGreaterThanOrEqual(leaseMs)
    } else {
      expect(a.isLeader()).toBe(false)
      expect(b.isLeader()).toBe(true)
    }
  })

  it('stop() releases the lease so the standby takes over at its next retry, not after the duration', async () => {
    const server = await startLeaseServer()
    cleanups.push(() => server.close())
    const events: string[] = []
    const leaseMs = 5000
    const a = elector(server.urls.a, 'replica-a', leaseMs, events)
    a.start()
    await waitUntil(() => a.isLeader(), 2000, 'replica-a to lead')
    const b = elector(server.urls.b, 'replica-b', leaseMs, events)
    b.start()
    await new Promise((r) => setTimeout(r, 200))
    const stoppedAt = Date.now()
    await a.stop()
    expect(server.leases.get('podstart/podstart-collector')?.spec?.holderIdentity).toBe('')
    await waitUntil(() => b.isLeader(), leaseMs, 'replica-b to take over')
    expect(Date.now() - stoppedAt).toBeLessThan(leaseMs / 5 + 500)
    expect(events.slice(0, 2)).toEqual(['replica-a:start', 'replica-a:stop:shutting down'])
  })

  it('a write with a stale resourceVersion gets 409 and the loser backs off', async () => {
    const server = await startLeaseServer()
    cleanups.push(() => server.close())
    // An expired lease both replicas will try to take at the same moment.
    server.leases.set('podstart/podstart-collector', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'podstart-collector', namespace: 'podstart', resourceVersion: '7' },
      spec: { holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 3 },
    })
    const events: string[] = []
    const electors = Array.from({ length: 4 }, (_, i) =>
      elector(i % 2 ? server.urls.b : server.urls.a, `replica-${i}`, 2000, events),
    )
    const sampler = sampleLeaders(electors)
    for (const e of electors) e.start()
    await waitUntil(() => electors.some((e) => e.isLeader()), 2000, 'a leader')
    await new Promise((r) => setTimeout(r, 1000))
    const { both } = sampler.stop()
    expect(both).toBe(0)
    expect(electors.filter((e) => e.isLeader())).toHaveLength(1)
    const puts = server.writes.filter((w) => w.method === 'PUT')
    expect(puts.filter((w) => w.status === 409).length).toBeGreaterThanOrEqual(1)
    expect(server.leases.get('podstart/podstart-collector')?.spec?.leaseTransitions).toBe(4)
  })

  it('refuses a renew deadline that is not shorter than the lease', () => {
    expect(
      () =>
        new LeaderElector({
          access: accessFor('http://127.0.0.1:1'),
          namespace: 'n',
          name: 'l',
          leaseDurationMs: 2000,
          renewDeadlineMs: 2000,
        }),
    ).toThrow(/renew deadline must be shorter/)
  })
})
