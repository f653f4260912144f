// The HTTP port of `podstart up` / `podstart collect`: /metrics, /healthz, /readyz, and the dashboard. Every
// request passes the one access decision (@podstart/schema/access) first: read-only (GET and HEAD; 405 with
// Allow otherwise, probes and metrics included), probes open, /metrics and the dashboard behind the gate.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type AccessEnv,
  ALLOWED_METHODS,
  cookieToken,
  decideAccess,
  METRICS_PATH,
} from '@podstart/schema/access'
import { renderMetrics } from '../observability/exposition.ts'

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>

export interface ServeOptions {
  host: string
  port: number
  /** Readiness: null when ready, else the reason (answered 503 with the reason). */
  notReadyReason: () => string | null
  /** Everything else (the dashboard); 404 when absent. */
  fallback?: RequestHandler
  /** Who may see what (PODSTART_DASHBOARD_TOKEN, _BASIC_AUTH, PODSTART_METRICS_TOKEN, ...). */
  access: AccessEnv
  /**
   * `main` (default): the dashboard's port. `metrics`: a port of its own for /metrics and the probes
   * (open unless PODSTART_METRICS_TOKEN is set; meant for a private address or a NetworkPolicy).
   */
  listener?: 'main' | 'metrics'
}

export interface RunningServer {
  server: http.Server
  url: string
  /** Stops accepting, ends idle connections, and ends the rest after `deadlineMs` (default: waits). */
  close(deadlineMs?: number): Promise<void>
}

/** Headers of the process's own plain-text answers (the dashboard's pages get theirs from next.config.ts). */
const OWN_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const

const text = (res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) =>
  res.writeHead(status, { ...OWN_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body)

export async function serve(opts: ServeOptions): Promise<RunningServer> {
  const listener = opts.listener ?? 'main'
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const path = url.pathname
    try {
      const decision = decideAccess(
        {
          method: req.method ?? 'GET',
          pathname: path,
          searchToken: url.searchParams.get('token'),
          authorization: req.headers.authorization ?? null,
          cookieToken: cookieToken(req.headers.cookie),
        },
        opts.access,
        { listener },
      )
      if (decision.kind === 'method-not-allowed') {
        text(res, 405, 'podstart is read-only: only GET and HEAD\n', { allow: ALLOWED_METHODS })
        return
      }
      if (decision.kind === 'unauthorized') {
        text(
          res,
          401,
          path === METRICS_PATH
            ? 'podstart: credentials required for /metrics (Authorization: Bearer <metrics or dashboard token>)\n'
            : 'podstart dashboard: credentials required (Authorization: Bearer <token>, ?token=<token> once, or basic auth)\n',
          decision.basic ? { 'www-authenticate': 'Basic realm="podstart", charset="UTF-8"' } : {},
        )
        return
      }
      if (path === '/healthz') {
        text(res, 200, 'ok\n')
        return
      }
      if (path === '/readyz') {
        const reason = opts.notReadyReason()
        text(res, reason ? 503 : 200, reason ? `${reason}\n` : 'ready\n')
        return
      }
      if (path === METRICS_PATH) {
        // OpenMetrics (with the pod UID exemplars) when the scraper asks for it, else the Prometheus text format.
        const { contentType, body } = await renderMetrics(req.headers.accept)
        res.writeHead(200, { ...OWN_HEADERS, 'content-type': contentType, vary: 'accept' }).end(body)
        return
      }
      // 'exchange-token' is the dashboard's to answer (its proxy runs the same decision and sets the cookie).
      if (opts.fallback && listener === 'main') {
        await opts.fallback(req, res)
        return
      }
      text(res, 404, 'not found\n')
    } catch (err) {
      if (!res.headersSent)
        res.writeHead(500, { ...OWN_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
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
    close: (deadlineMs) =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
        if (deadlineMs !== undefined) {
          setTimeout(() => {
            server.closeAllConnections()
            resolve()
          }, deadlineMs).unref()
        }
      }),
  }
}
