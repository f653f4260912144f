// The one HTTP port of `podstart up` / `podstart collect`: /metrics, /healthz, /readyz, and the dashboard.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { registry } from '../observability/metrics.ts'

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>

export interface ServeOptions {
  host: string
  port: number
  /** Readiness: null when ready, else the reason (answered 503 with the reason). */
  notReadyReason: () => string | null
  /** Everything else (the dashboard); 404 when absent. */
  fallback?: RequestHandler
}

export interface RunningServer {
  server: http.Server
  url: string
  close(): Promise<void>
}

export async function serve(opts: ServeOptions): Promise<RunningServer> {
  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    try {
      if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n')
        return
      }
      if (path === '/readyz') {
        const reason = opts.notReadyReason()
        res
          .writeHead(reason ? 503 : 200, { 'content-type': 'text/plain' })
          .end(reason ? `${reason}\n` : 'ready\n')
        return
      }
      if (path === '/metrics') {
        const body = await registry.metrics()
        res.writeHead(200, { 'content-type': registry.contentType }).end(body)
        return
      }
      if (opts.fallback) {
        await opts.fallback(req, res)
        return
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(`internal error: ${(err as Error).message}\n`)
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  return {
    server,
    url: `http://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
