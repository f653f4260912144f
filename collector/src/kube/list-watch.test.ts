// ListWatch against a tiny API server (node:http) that answers what each case needs.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '../lifecycle/kube-object.ts'
import { KubeAccess } from './access.ts'
import { DEFAULT_MAX_LINE_BYTES, ListWatch, type ListWatchOptions } from './list-watch.ts'

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => unknown

let server: Server | null = null
let watch: ListWatch | null = null

afterEach(async () => {
  await watch?.stop()
  watch = null
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = null
})

async function api(handler: Handler): Promise<KubeAccess> {
  server = createServer((req, res) => {
    void handler(req, res, new URL(req.url ?? '/', 'http://x'))
  })
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return KubeAccess.fromString(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`)
}

const pod = (name: string, rv: string): KubeObject => ({
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: rv },
})
const list = (res: ServerResponse, rv: string, items: KubeObject[]) =>
  res.end(JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: rv }, items }))
const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code,
  reason,
  message,
})

interface Seen {
  objects: string[]
  restarts: string[]
  rejects: string[]
}

/** Starts a ListWatch on pods and resolves once `until` holds for what it saw. */
function run(access: KubeAccess, until: (s: Seen) => boolean, opts: ListWatchOptions = {}): Promise<Seen> {
  const seen: Seen = { objects: [], restarts: [], rejects: [] }
  return new Promise<Seen>((resolve) => {
    const check = () => {
      if (until(seen)) resolve(seen)
    }
    watch = new ListWatch(
      access,
      { name: 'pods', path: '/api/v1/pods' },
      {
        onObject: (type, o) => {
          seen.objects.push(`${type} ${o.metadata?.name}`)
          check()
        },
        onReject: (_r, reason) => {
          seen.rejects.push(reason)
          check()
        },
        onRestart: (_r, reason, err) => {
          seen.restarts.push(err ? `${reason}: ${err.message}` : reason)
          check()
        },
      },
      { backoffInitialMs: 1, backoffMaxMs: 5, stallMs: 30_000, ...opts },
    )
    watch.start()
  })
}

describe('ListWatch: a watch that cannot resume', () => {
  it('relists after maxFailedResumes watches answered 400, and delivers objects added after the relist', async () => {
    let lists = 0
    let watches = 0
    const access = await api((_req, res, url) => {
      if (url.searchParams.get('watch') !== 'true') {
        lists++
        // The second list has a pod created while the watch could not resume.
        return list(
          res,
          lists === 1 ? '10' : '500',
          lists === 1 ? [pod('a', '9')] : [pod('a', '9'), pod('b', '400')],
        )
      }
      watches++
      if (url.searchParams.get('resourceVersion') === '10') {
        res.writeHead(400, { 'content-type': 'application/json' })
        return res.end(JSON.stringify(status(400, 'BadRequest', 'resourceVersion 10 is not valid')))
      }
      // Resuming from the relist's resourceVersion works and delivers a pod added after it.
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write(`${JSON.stringify({ type: 'ADDED', object: pod('c', '501') })}\n`)
    })
    const seen = await run(access, (s) => s.objects.includes('ADDED c'), { maxFailedResumes: 3 })
    expect(lists).toBe(2)
    expect(watches).toBe(4)
    expect(seen.objects).toEqual(['LIST a', 'LIST a', 'LIST b', 'ADDED c'])
    expect(seen.restarts.map((r) => r.split(':')[0])).toEqual(['error', 'error', 'relist'])
    expect(seen.restarts[2]).toContain('resourceVersion 10 is not valid')
    expect(watch?.resourceVersion).toBe('501')
  })

  it('counts repeated in-stream ERROR events (not 410) the same way; a delivered event resets the count', async () => {
    let lists = 0
    let watches = 0
    const access = await api((_req, res, url) => {
      if (url.searchParams.get('watch') !== 'true') {
        lists++
        return list(res, String(lists * 100), [])
      }
      watches++
      res.writeHead(200, { 'content-type': 'application/json' })
      // Watch 3 delivers an event before failing: the failures before it are no longer consecutive.
      if (watches === 3) res.write(`${JSON.stringify({ type: 'ADDED', object: pod('x', '101') })}\n`)
      if (url.searchParams.get('resourceVersion') === '200') {
        res.write(`${JSON.stringify({ type: 'ADDED', object: pod('after-relist', '201') })}\n`)
        return
      }
      res.end(
        `${JSON.stringify({ type: 'ERROR', object: status(500, 'InternalError', 'etcd unavailable') })}\n`,
      )
    })
    const seen = await run(access, (s) => s.objects.includes('ADDED after-relist'), { maxFailedResumes: 3 })
    // Failures 1, 2, (event) 3, 4, 5 -> relist -> the new watch delivers.
    expect(seen.restarts.map((r) => r.split(':')[0])).toEqual(['error', 'error', 'error', 'error', 'relist'])
    expect(seen.restarts[4]).toBe(
      'relist: watch /api/v1/pods: a Kubernetes Status, not objects: Failure 500 (InternalError): etcd unavailable',
    )
    expect(lists).toBe(2)
    expect(seen.objects).toEqual(['ADDED x', 'ADDED after-relist'])
  })

  it('a bare Status line in the stream is an error restart that names it', async () => {
    let watches = 0
    const access = await api((_req, res, url) => {
      if (url.searchParams.get('watch') !== 'true') return list(res, '1', [])
      watches++
      res.writeHead(200, { 'content-type': 'application/json' })
      if (watches === 1)
        return res.end(
          `${JSON.stringify(status(403, 'Forbidden', 'pods is forbidden: User "dev" cannot watch'))}\n`,
        )
      res.write(`${JSON.stringify({ type: 'ADDED', object: pod('p', '2') })}\n`)
    })
    const seen = await run(access, (s) => s.objects.length > 0)
    expect(seen.restarts).toEqual([
      'error: watch /api/v1/pods: a Kubernetes Status, not objects: Failure 403 (Forbidden): pods is forbidden: User "dev" cannot watch',
    ])
  })

  it('refuses a bound below one', async () => {
    const access = await api((_req, res) => res.end())
    expect(
      () =>
        new ListWatch(
          access,
          { name: 'pods', path: '/api/v1/pods' },
          { onObject: () => {} },
          { maxFailedResumes: 0 },
        ),
    ).toThrow(/maxFailedResumes must be at least 1, got 0/)
  })
})

describe('ListWatch: watch lines over the cap', () => {
  it('skips a 20 MB watch line unbuffered, counts it, and delivers every line after it', async () => {
    const size = 20 * 1024 * 1024
    const access = await api(async (_req, res, url) => {
      if (url.searchParams.get('watch') !== 'true') return list(res, '1', [])
      res.writeHead(200, { 'content-type': 'application/json' })
      const write = (s: string | Buffer) =>
        new Promise<void>((resolve) => (res.write(s) ? resolve() : res.once('drain', () => resolve())))
      await write(`${JSON.stringify({ type: 'ADDED', object: pod('before', '2') })}\n`)
      const [pre, post] = JSON.stringify({
        type: 'ADDED',
        object: { ...pod('huge', '3'), data: '@@' },
      }).split('@@')
      await write(pre as string)
      const chunk = Buffer.alloc(64 * 1024, 0x61)
      for (let n = 0; n < size; n += chunk.length) await write(chunk)
      await write(`${post}\n`)
      for (let i = 0; i < 200; i++)
        await write(`${JSON.stringify({ type: 'ADDED', object: pod(`p${i}`, String(4 + i)) })}\n`)
    })
    const seen = await run(access, (s) => s.objects.length === 201)
    expect(seen.objects[0]).toBe('ADDED before')
    expect(seen.objects.slice(1)).toEqual(Array.from({ length: 200 }, (_, i) => `ADDED p${i}`))
    expect(seen.rejects).toEqual(['line-too-long'])
    expect(seen.restarts).toEqual([])
    expect(size).toBeGreaterThan(DEFAULT_MAX_LINE_BYTES)
  })

  it('uses the cap given as an option', async () => {
    const access = await api((_req, res, url) => {
      if (url.searchParams.get('watch') !== 'true') return list(res, '1', [])
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write(
        `${JSON.stringify({ type: 'ADDED', object: { ...pod('long', '2'), data: 'x'.repeat(300) } })}\n`,
      )
      res.write(`${JSON.stringify({ type: 'ADDED', object: pod('short', '3') })}\n`)
    })
    const seen = await run(access, (s) => s.objects.length > 0, { maxLineBytes: 200 })
    expect(seen.objects).toEqual(['ADDED short'])
    expect(seen.rejects).toEqual(['line-too-long'])
  })
})
