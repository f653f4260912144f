// One resource's list-then-watch loop: lists from the API server's cache (resourceVersion=0), watches
// from the list's resourceVersion with bookmarks, relists on 410 Expired, and restarts with backoff on any
// other error or a stalled stream; after a few resumes in a row fail it relists, since a server that keeps
// refusing a resourceVersion (an etcd restore answers 400, not 410) would otherwise be retried forever.
// Objects go straight to the handler as parsed JSON (no object cache); a handler that returns a promise
// pauses reading until it settles (back-pressure). A watch line over the cap is skipped unread and counted.
import { setTimeout as sleep } from 'node:timers/promises'
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from '../ingest/lines.ts'
import type { KubeObject } from '../lifecycle/kube-object.ts'
import { type KubeAccess, KubeApiError } from './access.ts'

export { DEFAULT_MAX_LINE_BYTES } from '../ingest/lines.ts'

/** Consecutive failed watch resumes after which the resource is listed again from scratch. */
const DEFAULT_MAX_FAILED_RESUMES = 5

export type ResourceName = 'pods' | 'events' | 'nodes' | 'replicasets' | 'deployments' | 'jobs'

export interface ResourceSpec {
  name: ResourceName
  /** Collection path, e.g. /api/v1/pods or /api/v1/namespaces/NS/pods. */
  path: string
  fieldSelector?: string
  labelSelector?: string
}

type ObjectUpdateType = 'LIST' | 'ADDED' | 'MODIFIED' | 'DELETED'
/** `relist`: resuming failed DEFAULT_MAX_FAILED_RESUMES times in a row, so the next attempt lists afresh. */
export type RestartReason = 'expired' | 'error' | 'closed' | 'stalled' | 'relist'

export interface ListWatchHandlers {
  onObject(type: ObjectUpdateType, object: KubeObject, receivedAtMs: number): void | Promise<void>
  /** After a full (re)list: the keys (uid) of every object listed, to reconcile deletions missed in a gap. */
  onListed?(resource: ResourceName, uids: Set<string>, receivedAtMs: number): void | Promise<void>
  onReject?(resource: ResourceName, reason: string): void
  onRestart?(resource: ResourceName, reason: RestartReason, error?: Error): void
  /** A watch stream opened (the API server answered it): the resource is being watched. */
  onWatchOpen?(resource: ResourceName): void
}

export interface ListWatchOptions {
  /** Serve the list from the API server's watch cache (resourceVersion=0) to spare etcd. Default true. */
  listFromCache?: boolean
  pageSize?: number
  watchTimeoutSeconds?: number
  /** Restart a watch that delivered nothing (not even a bookmark) for this long. */
  stallMs?: number
  backoffInitialMs?: number
  backoffMaxMs?: number
  /**
   * Relist after this many watch resumes in a row failed (an HTTP error, or an ERROR event other than 410 in
   * the stream) without delivering anything. Default DEFAULT_MAX_FAILED_RESUMES (5).
   */
  maxFailedResumes?: number
  /** Longest watch line read; a longer one is skipped (onReject 'line-too-long'). Default 4 MiB. */
  maxLineBytes?: number
}

interface ListBody {
  metadata?: { resourceVersion?: string; continue?: string }
  items?: KubeObject[]
}

export class ListWatch {
  private stopped = false
  /** Aborts everything in flight (list requests, watches, backoff sleeps) on stop(). */
  private readonly stopController = new AbortController()
  private controller: AbortController | null = null
  private rv: string | null = null
  /** Watch attempts in a row that failed before delivering an event. */
  private failedResumes = 0
  private running: Promise<void> | null = null
  private readonly o: Required<ListWatchOptions>

  constructor(
    private readonly access: KubeAccess,
    readonly spec: ResourceSpec,
    private readonly handlers: ListWatchHandlers,
    opts: ListWatchOptions = {},
  ) {
    this.o = {
      listFromCache: opts.listFromCache ?? true,
      pageSize: opts.pageSize ?? 500,
      watchTimeoutSeconds: opts.watchTimeoutSeconds ?? 300,
      stallMs: opts.stallMs ?? 60_000,
      backoffInitialMs: opts.backoffInitialMs ?? 500,
      backoffMaxMs: opts.backoffMaxMs ?? 30_000,
      maxFailedResumes: opts.maxFailedResumes ?? DEFAULT_MAX_FAILED_RESUMES,
      maxLineBytes: opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    }
    if (!(this.o.maxFailedResumes >= 1))
      throw new RangeError(`maxFailedResumes must be at least 1, got ${this.o.maxFailedResumes}`)
  }

  get resourceVersion(): string | null {
    return this.rv
  }

  start(): void {
    if (!this.running) this.running = this.loop()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.stopController.abort()
    this.controller?.abort()
    await this.running?.catch(() => undefined)
  }

  private async loop(): Promise<void> {
    let needList = true
    let backoff = this.o.backoffInitialMs
    while (!this.stopped) {
      let listing = needList
      try {
        if (needList) {
          await this.list()
          needList = false
          listing = false
          this.failedResumes = 0
        }
        const outcome = await this.watch()
        backoff = this.o.backoffInitialMs
        if (this.stopped) return
        this.handlers.onRestart?.(this.spec.name, outcome)
      } catch (err) {
        if (this.stopped) return
        const e = err as Error
        if (e instanceof KubeApiError && e.expired) {
          needList = true
          this.handlers.onRestart?.(this.spec.name, 'expired', e)
          continue
        }
        if (!listing && ++this.failedResumes >= this.o.maxFailedResumes) {
          // The server keeps refusing this resourceVersion: start over from a fresh list (after the backoff).
          needList = true
          this.failedResumes = 0
          this.handlers.onRestart?.(this.spec.name, 'relist', e)
        } else this.handlers.onRestart?.(this.spec.name, 'error', e)
        const jitter = 0.5 + Math.random() / 2
        await sleep(Math.round(backoff * jitter), undefined, { signal: this.stopController.signal }).catch(
          () => undefined,
        )
        backoff = Math.min(backoff * 2, this.o.backoffMaxMs)
        // A watch that cannot resume from rv will answer 410 and trigger a relist.
        if (this.rv === null) needList = true
      }
    }
  }

  private baseQuery(): Record<string, string | undefined> {
    return { fieldSelector: this.spec.fieldSelector, labelSelector: this.spec.labelSelector }
  }

  private async list(): Promise<void> {
    const uids = new Set<string>()
    let cont: string | undefined
    let rv: string | undefined
    do {
      const query = {
        ...this.baseQuery(),
        limit: this.o.pageSize,
        continue: cont,
        resourceVersion: cont === undefined && this.o.listFromCache ? '0' : undefined,
      }
      const res = await this.access.request(this.spec.path, query, this.stopController.signal)
      const body = (await res.json()) as ListBody
      const receivedAt = Date.now()
      for (const item of body.items ?? []) {
        if (!item || typeof item !== 'object' || !item.metadata) {
          this.handlers.onReject?.(this.spec.name, 'list-item-without-metadata')
          continue
        }
        if (item.metadata.uid) uids.add(item.metadata.uid)
        const pending = this.handlers.onObject('LIST', item, receivedAt)
        if (pending) await pending
      }
      rv = body.metadata?.resourceVersion ?? rv
      cont = body.metadata?.continue || undefined
    } while (cont && !this.stopped)
    if (rv === undefined)
      throw new KubeApiError(`list ${this.spec.path} returned no resourceVersion`, null, null)
    this.rv = rv
    const pending = this.handlers.onListed?.(this.spec.name, uids, Date.now())
    if (pending) await pending
  }

  private async watch(): Promise<RestartReason> {
    const controller = new AbortController()
    this.controller = controller
    if (this.stopped) return 'closed'
    let stalled = false
    let timer: NodeJS.Timeout | undefined
    const arm = () => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => {
        stalled = true
        controller.abort()
      }, this.o.stallMs)
      timer.unref()
    }
    arm()
    try {
      const res = await this.access.request(
        this.spec.path,
        {
          ...this.baseQuery(),
          watch: 'true',
          resourceVersion: this.rv ?? undefined,
          allowWatchBookmarks: 'true',
          timeoutSeconds: this.o.watchTimeoutSeconds,
        },
        controller.signal,
      )
      if (!res.body) return 'closed'
      this.handlers.onWatchOpen?.(this.spec.name)
      const lines = new LineSplitter(this.o.maxLineBytes)
      for await (const chunk of res.body) {
        arm()
        const receivedAt = Date.now()
        for (const piece of lines.push(chunk as Uint8Array)) {
          if (piece.kind === 'too-long') {
            this.handlers.onReject?.(this.spec.name, 'line-too-long')
            continue
          }
          const pending = this.handleLine(piece.bytes.toString('utf8'), receivedAt)
          if (pending) await pending
        }
      }
      for (const piece of lines.end()) {
        if (piece.kind === 'too-long') this.handlers.onReject?.(this.spec.name, 'line-too-long')
        else {
          const pending = this.handleLine(piece.bytes.toString('utf8'), Date.now())
          if (pending) await pending
        }
      }
      return 'closed'
    } catch (err) {
      if (stalled) return 'stalled'
      if (this.stopped) return 'closed'
      throw err
    } finally {
      if (timer) clearTimeout(timer)
    }
  }

  /** Handles one watch line; returns a promise only when the handler applies back-pressure. */
  private handleLine(line: string, receivedAt: number): void | Promise<void> {
    if (!line.trim()) return
    let event: { type?: unknown; object?: KubeObject }
    try {
      event = JSON.parse(line)
    } catch {
      this.handlers.onReject?.(this.spec.name, 'malformed-json')
      return
    }
    const { type, object } = event ?? {}
    // A bare Status line (no watch event around it) is the server refusing the watch, like an ERROR event.
    if ((event as KubeObject | null)?.kind === 'Status')
      throw statusError(this.spec.path, event as KubeObject)
    if (!object || typeof object !== 'object') {
      this.handlers.onReject?.(this.spec.name, 'event-without-object')
      return
    }
    if (type === 'ERROR') throw statusError(this.spec.path, object)
    const rv = object.metadata?.resourceVersion
    if (type === 'BOOKMARK') {
      if (rv) this.rv = rv
      this.failedResumes = 0
      return
    }
    if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') {
      this.handlers.onReject?.(this.spec.name, 'unknown-event-type')
      return
    }
    if (!object.metadata || typeof object.metadata !== 'object') {
      this.handlers.onReject?.(this.spec.name, 'object-without-metadata')
      return
    }
    if (rv) this.rv = rv
    // The resume worked: it delivered an event.
    this.failedResumes = 0
    return this.handlers.onObject(type, object, receivedAt)
  }
}

/** A Kubernetes Status met in a watch stream, as the error it stands for (410 Expired makes the loop relist). */
function statusError(path: string, object: KubeObject): KubeApiError {
  const s = object as { status?: unknown; code?: unknown; reason?: unknown; message?: unknown }
  const code = typeof s.code === 'number' ? s.code : null
  const reason = typeof s.reason === 'string' && s.reason ? s.reason : null
  const message = typeof s.message === 'string' && s.message ? s.message : 'error'
  return new KubeApiError(
    `watch ${path}: a Kubernetes Status, not objects: ${typeof s.status === 'string' ? s.status : 'Failure'}${code === null ? '' : ` ${code}`}${reason ? ` (${reason})` : ''}: ${message}`,
    code,
    reason,
  )
}
