// A bearer-token front for a real registry: token service, 401 challenges, and blob redirects to another origin.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { BasicUser, RunningRegistry } from './registry.ts'

export interface BearerFront {
  /** host:port clients talk to. */
  host: string
  /** Authorization headers the blob storage origin received (must stay empty: tokens stay with the registry). */
  storageAuthHeaders: string[]
  /** Range headers the storage origin received. */
  storageRanges: string[]
  tokensIssued: number
  stop(): Promise<void>
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address()
      resolve(typeof a === 'object' && a ? a.port : 0)
    })
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}

function unauthorized(res: ServerResponse, challenge: string | undefined, message: string): void {
  res.writeHead(401, {
    'content-type': 'application/json',
    ...(challenge ? { 'www-authenticate': challenge } : {}),
  })
  res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message }] }))
}

async function forward(
  upstream: string,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const headers: Record<string, string> = {}
  for (const h of ['accept', 'range']) {
    const v = req.headers[h]
    if (typeof v === 'string') headers[h] = v
  }
  const up = await fetch(`${upstream}${path}`, { headers, redirect: 'manual' })
  const out: Record<string, string> = {}
  up.headers.forEach((v, k) => {
    if (!['transfer-encoding', 'connection', 'content-encoding'].includes(k)) out[k] = v
  })
  res.writeHead(up.status, out)
  res.end(Buffer.from(await up.arrayBuffer()))
}

/**
 * Starts the front. `breakBlobAfter` cuts the first transfer of each blob larger than that many bytes
 * (the socket is destroyed mid-body), so a client must resume with a Range request.
 */
export async function startBearerFront(
  upstream: RunningRegistry,
  user: BasicUser,
  opts: { breakBlobAfter?: number } = {},
): Promise<BearerFront> {
  const tokens = new Set<string>()
  const broken = new Set<string>()
  const state = { storageAuthHeaders: [] as string[], storageRanges: [] as string[], tokensIssued: 0 }

  const storage = createServer((req, res) => {
    if (req.headers.authorization) state.storageAuthHeaders.push(req.headers.authorization)
    if (typeof req.headers.range === 'string') state.storageRanges.push(req.headers.range)
    const path = (req.url ?? '').replace(/^\/storage/, '')
    const limit = opts.breakBlobAfter
    if (limit !== undefined && !req.headers.range && !broken.has(path)) {
      broken.add(path)
      void fetch(`${upstream.url}${path}`).then(async (up) => {
        const body = Buffer.from(await up.arrayBuffer())
        if (body.length <= limit) {
          res.writeHead(up.status, { 'content-length': String(body.length) })
          res.end(body)
          return
        }
        res.writeHead(200, { 'content-length': String(body.length) })
        res.write(body.subarray(0, limit), () => setTimeout(() => res.socket?.destroy(), 20))
      })
      return
    }
    forward(upstream.url, req, res, path).catch(() => res.destroy())
  })
  const storagePort = await listen(storage)

  let frontPort = 0
  const front = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${frontPort}`)
    if (url.pathname === '/token') {
      const basic = req.headers.authorization ?? ''
      const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`
      if (basic !== expected) return unauthorized(res, undefined, 'token service: bad credentials')
      const token = randomBytes(24).toString('hex')
      tokens.add(token)
      state.tokensIssued++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ token, expires_in: 300 }))
      return
    }
    const repo = /^\/v2\/(.+?)\/(?:manifests|blobs)\//.exec(url.pathname)?.[1]
    const auth = req.headers.authorization ?? ''
    if (!auth.startsWith('Bearer ') || !tokens.has(auth.slice(7))) {
      const scope = repo ? `,scope="repository:${repo}:pull"` : ''
      return unauthorized(
        res,
        `Bearer realm="http://127.0.0.1:${frontPort}/token",service="podstart-test"${scope}`,
        'authentication required',
      )
    }
    if (/\/blobs\/sha256:/.test(url.pathname)) {
      // Like a registry backed by object storage: blobs come from another origin via a redirect.
      res.writeHead(307, { location: `http://127.0.0.1:${storagePort}/storage${url.pathname}` })
      res.end()
      return
    }
    forward(upstream.url, req, res, url.pathname).catch(() => res.destroy())
  })
  frontPort = await listen(front)
  return {
    host: `127.0.0.1:${frontPort}`,
    get storageAuthHeaders() {
      return state.storageAuthHeaders
    },
    get storageRanges() {
      return state.storageRanges
    },
    get tokensIssued() {
      return state.tokensIssued
    },
    async stop() {
      await close(front)
      await close(storage)
    },
  }
}
