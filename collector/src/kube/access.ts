// Authenticated HTTP access to a Kubernetes API server through @kubernetes/client-node's KubeConfig
// (kubeconfig file, context, in-cluster service account, exec plugins), returning raw JSON so the
// collector never materialises model classes for objects it only reads a few fields of.
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node'
import { fetch, type Response } from 'undici'

export interface KubeAccessOptions {
  /** Path of a kubeconfig file; default: $KUBECONFIG or ~/.kube/config, else in-cluster. */
  kubeconfig?: string
  /** Context name within the kubeconfig. */
  context?: string
  /** Use the pod's service account (in-cluster) instead of a kubeconfig. */
  inCluster?: boolean
}

export class KubeApiError extends Error {
  override name = 'KubeApiError'
  constructor(
    message: string,
    readonly statusCode: number | null,
    readonly reason: string | null,
  ) {
    super(message)
  }
  /** 410 Gone / Expired: the resourceVersion is too old; relist. */
  get expired(): boolean {
    return this.statusCode === 410 || this.reason === 'Expired' || this.reason === 'Gone'
  }
}

export class KubeAccess {
  /** A request that never got an answer: names the server and the network error, never a credential. */
  private unreachable(err: unknown): KubeApiError {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    return new KubeApiError(
      `cannot reach the Kubernetes API at ${this.server}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      null,
      null,
    )
  }

  readonly kc: KubeConfig
  readonly server: string

  constructor(kc: KubeConfig) {
    const cluster = kc.getCurrentCluster()
    if (!cluster) throw new KubeApiError('the kubeconfig has no current cluster', null, null)
    this.kc = kc
    this.server = cluster.server.replace(/\/+$/, '')
  }

  static load(opts: KubeAccessOptions = {}): KubeAccess {
    const kc = new KubeConfig()
    if (opts.inCluster) kc.loadFromCluster()
    else if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig)
    else kc.loadFromDefault()
    if (opts.context) {
      if (!kc.getContexts().some((c) => c.name === opts.context)) {
        throw new KubeApiError(`context "${opts.context}" is not in the kubeconfig`, null, null)
      }
      kc.setCurrentContext(opts.context)
    }
    return new KubeAccess(kc)
  }

  static fromString(yaml: string): KubeAccess {
    const kc = new KubeConfig()
    kc.loadFromString(yaml)
    return new KubeAccess(kc)
  }

  /** Describes the target without credentials. */
  describe(): string {
    return `${this.kc.getCurrentContext() || 'in-cluster'} (${this.server})`
  }

  url(path: string, query: Record<string, string | number | boolean | undefined> = {}): URL {
    const url = new URL(this.server + path)
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v))
    return url
  }

  /** GET a path; non-2xx answers become KubeApiError with the Status reason. */
  async request(
    path: string,
    query: Record<string, string | number | boolean | undefined> = {},
    signal?: AbortSignal,
  ): Promise<Response> {
    const url = this.url(path, query)
    const ctx = new RequestContext(url.toString(), HttpMethod.GET)
    await this.kc.applySecurityAuthentication(ctx)
    let response: Response
    try {
      response = await fetch(url, {
        method: 'GET',
        headers: { ...ctx.getHeaders(), accept: 'application/json' },
        dispatcher: ctx.getDispatcher() as never,
        signal,
      })
    } catch (err) {
      throw this.unreachable(err)
    }
    if (response.status >= 200 && response.status < 300) return response
    let reason: string | null = null
    let message = `${response.status} ${response.statusText}`
    try {
      const status = (await response.json()) as { reason?: string; message?: string }
      reason = status.reason ?? null
      if (status.message) message = `${response.status} ${status.message}`
    } catch {
      // not a Status object; keep the HTTP status line
    }
    throw new KubeApiError(`GET ${path}: ${message}`, response.status, reason)
  }

  /**
   * A write (POST/PUT/DELETE) with a JSON body; returns the parsed answer. Used for Leases, the only
   * objects podstart writes. Non-2xx answers become KubeApiError (409 Conflict on a stale resourceVersion).
   */
  async send<T>(
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const url = this.url(path)
    const ctx = new RequestContext(url.toString(), HttpMethod[method])
    await this.kc.applySecurityAuthentication(ctx)
    let response: Response
    try {
      response = await fetch(url, {
        method,
        headers: { ...ctx.getHeaders(), accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: ctx.getDispatcher() as never,
        signal,
      })
    } catch (err) {
      throw this.unreachable(err)
    }
    const text = await response.text()
    if (response.status >= 200 && response.status < 300) return (text ? JSON.parse(text) : {}) as T
    let reason: string | null = null
    let message = `${response.status} ${response.statusText}`
    try {
      const status = JSON.parse(text) as { reason?: string; message?: string }
      reason = status.reason ?? null
      if (status.message) message = `${response.status} ${status.message}`
    } catch {
      // not a Status object; keep the HTTP status line
    }
    throw new KubeApiError(`${method} ${path}: ${message}`, response.status, reason)
  }

  async getJson<T>(
    path: string,
    query: Record<string, string | number | boolean | undefined> = {},
  ): Promise<T> {
    const res = await this.request(path, query)
    return (await res.json()) as T
  }
}
