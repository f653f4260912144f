// Watch streams: JSON lines of ADDED/MODIFIED/DELETED from a resourceVersion, BOOKMARKs, timeouts, 410 Expired,
// and the faults that close or stall them.
import type { ServerResponse } from 'node:http'
import type { ResourceName, ServedKubeObject } from './model-types.ts'
import type { Change, ObjectFilter, ObjectStore } from './store.ts'

export function statusObject(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }
}

export interface WatchRequest {
  resource: ResourceName
  kind: string
  apiVersion: string
  filter: ObjectFilter
  /** undefined or '0': start with the current state as ADDED events. */
  resourceVersion: string | undefined
  timeoutMs: number | null
  /** Only clients that ask (allowWatchBookmarks=true) get BOOKMARKs, as from a real API server. */
  bookmarks: boolean
  /** `kubectl get -w` asks for each event's object as a one-row Table. */
  asTable: ((o: ServedKubeObject, first: boolean) => object) | null
}

export class Watcher {
  private closed = false
  private bookmarkTimer: NodeJS.Timeout | null = null
  private timeoutTimer: NodeJS.Timeout | null = null
  private held: string[] = []
  private tableRows = 0
  lastRv: number

  constructor(
    private readonly hub: WatchHub,
    private readonly res: ServerResponse,
    private readonly req: WatchRequest,
  ) {
    this.lastRv = hub.store.resourceVersion
  }

  start(replay: Change[] | null, initial: ServedKubeObject[] | null): void {
    this.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' })
    this.res.flushHeaders()
    if (initial) for (const o of initial) this.send(this.line('ADDED', o))
    if (replay) for (const c of replay) this.onChange(c)
    this.lastRv = this.hub.store.resourceVersion
    if (this.req.bookmarks) this.bookmarkTimer = setInterval(() => this.bookmark(), this.hub.bookmarkEveryMs)
    if (this.req.timeoutMs !== null) this.timeoutTimer = setTimeout(() => this.close(), this.req.timeoutMs)
    this.res.on('close', () => this.close())
  }

  onChange(c: Change): void {
    if (this.closed || c.resource !== this.req.resource) return
    this.lastRv = c.rv
    if (!this.req.filter(c.object)) return
    if (this.req.asTable) {
      this.send(this.line(c.type, c.object))
      return
    }
    c.line ??= `${JSON.stringify({ type: c.type, object: c.object })}\n`
    this.send(c.line)
  }

  private line(type: string, o: ServedKubeObject): string {
    const object = this.req.asTable ? this.req.asTable(o, this.tableRows++ === 0) : o
    return `${JSON.stringify({ type, object })}\n`
  }

  /** A BOOKMARK carries only the resourceVersion the client may resume from. */
  bookmark(): void {
    if (this.closed || this.hub.stalled()) return
    const object = {
      kind: this.req.kind,
      apiVersion: this.req.apiVersion,
      metadata: { resourceVersion: String(this.lastRv) },
    }
    this.send(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`)
  }

  private send(line: string): void {
    if (this.closed) return
    if (this.hub.stalled()) {
      this.held.push(line)
      return
    }
    if (this.held.length) this.flushHeld()
    this.res.write(line)
  }

  flushHeld(): void {
    const held = this.held
    this.held = []
    if (!this.closed) for (const l of held) this.res.write(l)
  }

  expire(message: string): void {
    if (this.closed) return
    this.flushHeld()
    this.res.write(`${JSON.stringify({ type: 'ERROR', object: statusObject(410, 'Expired', message) })}\n`)
    this.close()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer)
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer)
    this.hub.watchers.delete(this)
    if (!this.res.writableEnded) this.res.end()
  }
}

export class WatchHub {
  readonly watchers = new Set<Watcher>()
  private expiredConnects = 0

  constructor(
    readonly store: ObjectStore,
    readonly bookmarkEveryMs: number,
    readonly stalled: () => boolean,
  ) {
    store.listeners.add((c) => {
      for (const w of this.watchers) w.onChange(c)
    })
  }

  open(res: ServerResponse, req: WatchRequest): void {
    const rvText = req.resourceVersion
    let replay: Change[] | null = null
    let initial: ServedKubeObject[] | null = null
    if (rvText === undefined || rvText === '' || rvText === '0') {
      initial = this.store.list(req.resource, req.filter)
    } else {
      const rv = Number(rvText)
      if (!Number.isInteger(rv) || rv < 0) {
        res.writeHead(400, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify(statusObject(400, 'BadRequest', `invalid resourceVersion "${rvText}"`)))
        return
      }
      replay = this.store.since(rv)
      if (replay === null) {
        const message = `too old resource version: ${rv} (${this.store.compactedRv})`
        // A real API server answers either way depending on where the watch is served from; clients must handle both.
        if (this.expiredConnects++ % 2 === 0) {
          res.writeHead(410, { 'Content-Type': 'application/json' })
          res.end(JSON.stringify(statusObject(410, 'Expired', message)))
          return
        }
        const w = new Watcher(this, res, req)
        this.watchers.add(w)
        w.start(null, null)
        w.expire(message)
        return
      }
    }
    const w = new Watcher(this, res, req)
    this.watchers.add(w)
    w.start(replay, initial)
  }

  closeAll(): void {
    for (const w of [...this.watchers]) w.close()
  }

  expireAll(message: string): void {
    for (const w of [...this.watchers]) w.expire(message)
  }

  flushHeld(): void {
    for (const w of this.watchers) w.flushHeld()
  }
}
