// The simulated API server's HTTP surface (node:http): discovery, LIST with paging, GET, WATCH, leases with
// optimistic concurrency, and each node's kubelet metrics through the nodes/proxy subresource.
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  apiGroupList,
  apiResourceList,
  apiVersions,
  findResource,
  groupVersion,
  type ResourceInfo,
  tableOf,
  versionInfo,
  wantsTable,
} from './discovery.ts'
import type { ServedKubeObject } from './model-types.ts'
import {
  fieldSelector,
  labelSelector,
  type ObjectFilter,
  type ObjectStore,
  objectKey,
  SelectorError,
} from './store.ts'
import { statusObject, type WatchHub } from './watch.ts'

export interface ApiContext {
  store: ObjectStore
  hub: WatchHub
  /** Prometheus text of a node's kubelet, or undefined for an unknown node. */
  nodeMetrics: (node: string) => string | undefined
  failing: () => boolean
  now: () => number
  newUid: () => string
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

function sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  sendJson(res, code, statusObject(code, reason, message))
}

function notFound(res: ServerResponse, what: string): void {
  sendStatus(res, 404, 'NotFound', `${what} not found`)
}

interface ContinueToken {
  rv: number
  key: string
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url')
}

function decodeContinue(text: string): ContinueToken | null {
  try {
    const t = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken
    return typeof t.rv === 'number' && typeof t.key === 'string' ? t : null
  } catch {
    return null
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export function createApiHandler(ctx: ApiContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(ctx, req, res).catch((err: Error) => {
      if (!res.headersSent) sendStatus(res, 500, 'InternalError', err.message)
      else res.end()
    })
  }
}

async function handle(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim')
  const path = url.pathname.replace(/\/+$/, '') || '/'
  const method = req.method ?? 'GET'
  if (path === '/healthz' || path === '/livez' || path === '/readyz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' })
    res.end('ok')
    return
  }
  if (ctx.failing() && path !== '/version') {
    sendStatus(res, 500, 'InternalError', 'Internal error occurred: injected fault (error500)')
    return
  }
  if (path === '/version') return sendJson(res, 200, versionInfo())
  if (path === '/api') return sendJson(res, 200, apiVersions())
  if (path === '/apis') return sendJson(res, 200, apiGroupList())
  if (path.startsWith('/openapi')) return notFound(res, 'the OpenAPI document')
  const seg = path.split('/').filter(Boolean)
  let group: string
  let version: string
  let rest: string[]
  if (seg[0] === 'api' && seg[1] === 'v1') {
    group = ''
    version = 'v1'
    rest = seg.slice(2)
  } else if (seg[0] === 'apis' && seg.length >= 3) {
    group = seg[1] as string
    version = seg[2] as string
    rest = seg.slice(3)
  } else {
    return notFound(res, `the path ${path}`)
  }
  if (rest.length === 0) {
    const list = apiResourceList(group, version)
    return list ? sendJson(res, 200, list) : notFound(res, `the group version ${group}/${version}`)
  }
  if (
    group === '' &&
    rest[0] === 'nodes' &&
    rest[2] === 'proxy' &&
    rest[3] === 'metrics' &&
    rest.length === 4
  ) {
    const text = ctx.nodeMetrics(rest[1] as string)
    if (text === undefined) return notFound(res, `nodes "${rest[1]}"`)
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' })
    res.end(text)
    return
  }
  let namespace: string | undefined
  let resourceName: string
  let name: string | undefined
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1]
    resourceName = rest[2] as string
    name = rest[3]
    if (rest.length > 4) return notFound(res, `the path ${path}`)
  } else {
    resourceName = rest[0] as string
    name = rest[1]
    if (rest.length > 2) return notFound(res, `the path ${path}`)
  }
  const info = findResource(group, version, resourceName)
  if (!info) return notFound(res, `the server could not find the requested resource ${resourceName}`)
  if (namespace !== undefined && !info.namespaced) return notFound(res, `the path ${path}`)
  if (info.name === 'leases' && method !== 'GET')
    return leaseWrite(ctx, req, res, info, method, namespace, name)
  if (method !== 'GET')
    return sendStatus(res, 405, 'MethodNotAllowed', `${method} is not supported on ${info.name}`)
  if (name !== undefined) {
    const obj = ctx.store.get(info.name, info.namespaced ? namespace : undefined, name)
    if (!obj || (info.namespaced && namespace === undefined)) {
      return notFound(res, `${info.name}${info.group ? `.${info.group}` : ''} "${name}"`)
    }
    return sendJson(res, 200, obj)
  }
  let filter: ObjectFilter
  try {
    const fields = fieldSelector(url.searchParams.get('fieldSelector'))
    const labels = labelSelector(url.searchParams.get('labelSelector'))
    filter = (o) => (namespace === undefined || o.metadata.namespace === namespace) && fields(o) && labels(o)
  } catch (err) {
    if (err instanceof SelectorError) return sendStatus(res, 400, 'BadRequest', err.message)
    throw err
  }
  const watch = url.searchParams.get('watch')
  if (watch === 'true' || watch === '1') {
    const timeout = url.searchParams.get('timeoutSeconds')
    ctx.hub.open(res, {
      resource: info.name,
      kind: info.kind,
      apiVersion: groupVersion(info),
      filter,
      resourceVersion: url.searchParams.get('resourceVersion') ?? undefined,
      timeoutMs: timeout && Number(timeout) > 0 ? Number(timeout) * 1000 : null,
      bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
      asTable: wantsTable(req.headers.accept)
        ? (o, first) => {
            const t = tableOf(
              info.name,
              [o],
              { resourceVersion: o.metadata.resourceVersion },
              url.searchParams.get('includeObject'),
              ctx.now(),
            )
            // Column definitions come with the first event only, as from a real API server.
            return first ? t : { ...t, columnDefinitions: [] }
          }
        : null,
    })
    return
  }
  return list(ctx, req, res, url, info, filter)
}

function list(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  info: ResourceInfo,
  filter: ObjectFilter,
): void {
  const q = url.searchParams
  const limit = Number(q.get('limit') ?? 0)
  const cont = q.get('continue')
  const fromCache = q.get('resourceVersion') === '0'
  let items = ctx.store.list(info.name, filter)
  let listRv = ctx.store.resourceVersion
  const meta: Record<string, unknown> = {}
  if (cont) {
    const token = decodeContinue(cont)
    if (!token) {
      sendStatus(res, 400, 'BadRequest', 'the continue parameter is not valid')
      return
    }
    if (token.rv < ctx.store.compactedRv) {
      sendStatus(
        res,
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results.',
      )
      return
    }
    listRv = token.rv
    items = items.filter((o) => objectKey(o) > token.key)
  }
  // resourceVersion=0 is served from the watch cache, which ignores limit.
  if (limit > 0 && !fromCache && items.length > limit) {
    const page = items.slice(0, limit)
    meta.continue = encodeContinue({ rv: listRv, key: objectKey(page[page.length - 1] as ServedKubeObject) })
    meta.remainingItemCount = items.length - limit
    items = page
  }
  meta.resourceVersion = String(listRv)
  if (wantsTable(req.headers.accept)) {
    sendJson(res, 200, tableOf(info.name, items, meta, q.get('includeObject'), ctx.now()))
    return
  }
  sendJson(res, 200, { apiVersion: groupVersion(info), kind: `${info.kind}List`, metadata: meta, items })
}

async function leaseWrite(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceInfo,
  method: string,
  namespace: string | undefined,
  name: string | undefined,
): Promise<void> {
  if (namespace === undefined) return sendStatus(res, 405, 'MethodNotAllowed', 'leases are namespaced')
  if (method === 'DELETE') {
    const existing = name ? ctx.store.get('leases', namespace, name) : undefined
    if (!existing || !name) return notFound(res, `leases.coordination.k8s.io "${name ?? ''}"`)
    ctx.store.apply('leases', 'DELETED', structuredClone(existing))
    return sendJson(res, 200, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, kind: 'leases' },
    })
  }
  let body: ServedKubeObject
  try {
    body = JSON.parse(await readBody(req)) as ServedKubeObject
    if (!body || typeof body !== 'object' || !body.metadata || typeof body.metadata !== 'object') {
      throw new Error('metadata is required')
    }
  } catch (err) {
    return sendStatus(res, 400, 'BadRequest', `the request body is not a Lease: ${(err as Error).message}`)
  }
  const objName = body.metadata.name
  if (method === 'POST') {
    if (name !== undefined) return sendStatus(res, 405, 'MethodNotAllowed', 'POST goes to the collection')
    if (!objName)
      return sendStatus(
        res,
        422,
        'Invalid',
        'Lease.coordination.k8s.io is invalid: metadata.name: Required value',
      )
    if (ctx.store.get('leases', namespace, objName)) {
      return sendStatus(res, 409, 'AlreadyExists', `leases.coordination.k8s.io "${objName}" already exists`)
    }
    const obj = leaseObject(ctx, body, namespace, objName, ctx.newUid(), new Date(ctx.now()).toISOString())
    ctx.store.apply('leases', 'ADDED', obj)
    return sendJson(res, 201, obj)
  }
  if (method === 'PUT') {
    if (!name) return sendStatus(res, 405, 'MethodNotAllowed', 'PUT needs a lease name')
    if (objName && objName !== name)
      return sendStatus(res, 400, 'BadRequest', 'the name in the body does not match the URL')
    const existing = ctx.store.get('leases', namespace, name)
    if (!existing) return notFound(res, `leases.coordination.k8s.io "${name}"`)
    const wanted = body.metadata.resourceVersion
    if (wanted !== undefined && wanted !== '' && wanted !== existing.metadata.resourceVersion) {
      return sendStatus(
        res,
        409,
        'Conflict',
        `Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      )
    }
    const obj = leaseObject(
      ctx,
      body,
      namespace,
      name,
      existing.metadata.uid as string,
      existing.metadata.creationTimestamp,
    )
    ctx.store.apply('leases', 'MODIFIED', obj)
    return sendJson(res, 200, obj)
  }
  sendStatus(res, 405, 'MethodNotAllowed', `${method} is not supported on ${info.name}`)
}

function leaseObject(
  ctx: ApiContext,
  body: ServedKubeObject,
  namespace: string,
  name: string,
  uid: string,
  created: string | undefined,
): ServedKubeObject {
  const createdAt = created ?? new Date(ctx.now()).toISOString()
  return {
    ...body,
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...body.metadata,
      name,
      namespace,
      uid,
      creationTimestamp: `${createdAt.slice(0, 19)}Z`,
    },
    spec: (body.spec as Record<string, unknown> | undefined) ?? {},
  }
}
