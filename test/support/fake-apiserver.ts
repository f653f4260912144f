// A small list/watch server for inputs the simulator never produces: it answers LIST of each collection with
// the objects it was given (resourceVersion "100") and keeps watches open with BOOKMARKs, so the real
// collector reads forged or extreme objects exactly as it would from an API server.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

type Obj = Record<string, unknown>

const COLLECTIONS: Record<string, string> = {
  '/api/v1/pods': 'Pod',
  '/api/v1/events': 'Event',
  '/api/v1/nodes': 'Node',
  '/apis/apps/v1/replicasets': 'ReplicaSet',
  '/apis/apps/v1/deployments': 'Deployment',
  '/apis/batch/v1/jobs': 'Job',
}

export interface FakeApiOptions {
  /** Kinds whose watches are always refused with 400 (as an API server can after an etcd restore). */
  refuseWatch?: string[]
  /** Raw lines the first watch of a kind streams after its first bookmark (huge lines, ADDED events). */
  watchLines?: Record<string, string[]>
}

export interface FakeApiServer {
  url: string
  /** Requests seen, by kind and whether they were a list or a watch. */
  requests: Record<string, { list: number; watch: number }>
  close(): Promise<void>
}

export async function startFakeApiServer(objects: Obj[], opts: FakeApiOptions = {}): Promise<FakeApiServer> {
  const open = new Set<http.ServerResponse>()
  const requests: FakeApiServer['requests'] = {}
  const pending = new Map(Object.entries(opts.watchLines ?? {}))
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/version') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.0' }))
      return
    }
    const kind = COLLECTIONS[url.pathname]
    if (!kind) {
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ kind: 'Status', status: 'Failure', code: 404, reason: 'NotFound' }))
      return
    }
    const watching = url.searchParams.get('watch') === 'true'
    requests[kind] ??= { list: 0, watch: 0 }
    requests[kind][watching ? 'watch' : 'list']++
    if (watching && opts.refuseWatch?.includes(kind)) {
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          code: 400,
          reason: 'BadRequest',
          message: 'too old resource version',
        }),
      )
      return
    }
    if (watching) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.flushHeaders()
      open.add(res)
      const bookmark = () =>
        res.write(
          `${JSON.stringify({ type: 'BOOKMARK', object: { kind, apiVersion: 'v1', metadata: { resourceVersion: '100' } } })}\n`,
        )
      bookmark()
      const extra = pending.get(kind)
      pending.delete(kind)
      for (const line of extra ?? []) res.write(`${line}\n`)
      const t = setInterval(bookmark, 5_000)
      res.on('close', () => {
        clearInterval(t)
        open.delete(res)
      })
      return
    }
    const items = objects.filter((o) => o.kind === kind)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({ kind: `${kind}List`, apiVersion: 'v1', metadata: { resourceVersion: '100' }, items }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of open) r.destroy()
        server.close(() => resolve())
      }),
  }
}
