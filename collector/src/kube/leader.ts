// Leader election on a coordination.k8s.io/v1 Lease, so that of several collector replicas exactly one
// watches and writes while the others wait as warm standbys (same rules as client-go's leaderelection).
import { hostname } from 'node:os'
import { type KubeAccess, KubeApiError } from './access.ts'

interface LeaseSpec {
  holderIdentity?: string | null
  leaseDurationSeconds?: number | null
  acquireTime?: string | null
  renewTime?: string | null
  leaseTransitions?: number | null
}

export interface Lease {
  apiVersion?: string
  kind?: string
  metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown }
  spec?: LeaseSpec
}

export interface LeaderElectorOptions {
  access: KubeAccess
  namespace: string
  /** Lease name, e.g. podstart-collector (one lease per Kubernetes cluster being watched). */
  name: string
  /** This replica's identity; default hostname_pid (the pod name in a Deployment). */
  identity?: string
  /** How long a lease holds without renewal before others may take it. Default 15 s. */
  leaseDurationMs?: number
  /** The leader gives up leading when no renew succeeded for this long; must be < leaseDurationMs. Default 2/3 of it. */
  renewDeadlineMs?: number
  /** Pause between renewals while leading. Default 1/3 of the lease duration. */
  renewIntervalMs?: number
  /** Pause between attempts while not leading. Default 1/5 of the lease duration. */
  retryIntervalMs?: number
  onStartedLeading?: () => void | Promise<void>
  onStoppedLeading?: (reason: string) => void | Promise<void>
  log?: (line: string) => void
  /** Injected clock for tests. */
  now?: () => number
}

/** Lease times are MicroTime: RFC 3339 with six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        resolve()
      },
      { once: true },
    )
  })

export class LeaderElector {
  readonly identity: string
  private readonly leaseMs: number
  private readonly renewDeadlineMs: number
  private readonly renewIntervalMs: number
  private readonly retryIntervalMs: number
  private readonly now: () => number
  private readonly log: (line: string) => void
  private readonly path: string
  private leading = false
  /** Last lease seen (holder + renewTime) and the local time it was first seen: expiry is judged on
   * our own clock from that moment, never by comparing the holder's clock with ours. */
  private observed: { key: string; atMs: number; lease: Lease } | null = null
  /** Local time at which the last successful renew was SENT: the leader's claim runs from there. */
  private lastRenewSentMs = 0
  private watchdog: NodeJS.Timeout | null = null
  private readonly stopping = new AbortController()
  private loop: Promise<void> | null = null
  /** Serialises leadership callbacks so a stop always follows the start it ends. */
  private transitions: Promise<void> = Promise.resolve()

  constructor(private readonly opts: LeaderElectorOptions) {
    this.identity = opts.identity ?? `${hostname()}_${process.pid}`
    this.leaseMs = opts.leaseDurationMs ?? 15_000
    this.renewDeadlineMs = opts.renewDeadlineMs ?? Math.floor((this.leaseMs * 2) / 3)
    this.renewIntervalMs = opts.renewIntervalMs ?? Math.floor(this.leaseMs / 3)
    this.retryIntervalMs = opts.retryIntervalMs ?? Math.floor(this.leaseMs / 5)
    if (this.renewDeadlineMs >= this.leaseMs) {
      throw new Error('leader election: the renew deadline must be shorter than the lease duration')
    }
    if (this.leaseMs < 1000) throw new Error('leader election: the lease duration must be at least 1 s')
    this.now = opts.now ?? Date.now
    this.log = opts.log ?? (() => {})
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(opts.namespace)}/leases`
  }

  isLeader(): boolean {
    return this.leading
  }

  /** Runs the election loop until stop(); leadership is reported through the callbacks. */
  start(): void {
    if (this.loop) return
    this.loop = this.run()
  }

  /** Stops campaigning; a leader stops leading (callback awaited) and then releases the lease. */
  async stop(): Promise<void> {
    this.stopping.abort()
    await this.loop
    this.loop = null
    if (this.leading) {
      this.loseLeadership('shutting down')
      await this.transitions
      await this.release()
    }
    await this.transitions
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal
    while (!signal.aborted) {
      const sentAt = this.now()
      let held = false
      try {
        held = await this.tryAcquireOrRenew(sentAt)
      } catch (err) {
        this.log(`lease ${this.opts.namespace}/${this.opts.name}: ${(err as Error).message}`)
      }
      if (signal.aborted) break
      if (held) {
        this.lastRenewSentMs = sentAt
        this.armWatchdog()
        if (!this.leading) {
          this.leading = true
          this.log(`lease ${this.opts.namespace}/${this.opts.name}: leading as ${this.identity}`)
          this.transitions = this.transitions.then(() => this.opts.onStartedLeading?.())
        }
      } else if (this.leading) {
        const holder = this.observed?.lease.spec?.holderIdentity
        if (holder && holder !== this.identity) this.loseLeadership(`lease taken by ${holder}`)
        else if (this.now() - this.lastRenewSentMs >= this.renewDeadlineMs) {
          this.loseLeadership('could not renew the lease in time')
        }
      }
      await sleep(this.leading ? this.renewIntervalMs : this.retryIntervalMs, signal)
    }
  }

  /** Ends leadership the moment the renew deadline passes, even while a request hangs. */
  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog)
    const left = this.lastRenewSentMs + this.renewDeadlineMs - this.now()
    this.watchdog = setTimeout(
      () => {
        this.watchdog = null
        if (this.leading) this.loseLeadership('could not renew the lease in time')
      },
      Math.max(0, left),
    )
    this.watchdog.unref()
  }

  private loseLeadership(reason: string): void {
    if (!this.leading) return
    this.leading = false
    if (this.watchdog) clearTimeout(this.watchdog)
    this.watchdog = null
    this.log(`lease ${this.opts.namespace}/${this.opts.name}: stopped leading (${reason})`)
    this.transitions = this.transitions.then(() => this.opts.onStoppedLeading?.(reason))
  }

  private observe(lease: Lease): void {
    const key = `${lease.spec?.holderIdentity ?? ''}|${lease.spec?.renewTime ?? ''}|${lease.metadata.resourceVersion ?? ''}`
    if (this.observed?.key !== key) this.observed = { key, atMs: this.now(), lease }
    else this.observed.lease = lease
  }

  private expired(): boolean {
    if (!this.observed) return true
    const seconds = this.observed.lease.spec?.leaseDurationSeconds
    const durationMs = seconds && seconds > 0 ? seconds * 1000 : this.leaseMs
    return this.now() > this.observed.atMs + durationMs
  }

  private requestSignal(): AbortSignal {
    return AbortSignal.timeout(Math.max(500, Math.floor(this.renewDeadlineMs / 2)))
  }

  private async tryAcquireOrRenew(sentAt: number): Promise<boolean> {
    const at = microTime(sentAt)
    const durationSeconds = Math.ceil(this.leaseMs / 1000)
    let current: Lease
    try {
      const res = await this.opts.access.request(
        `${this.path}/${encodeURIComponent(this.opts.name)}`,
        {},
        this.requestSignal(),
      )
      current = (await res.json()) as Lease
    } catch (err) {
      if (!(err instanceof KubeApiError) || err.statusCode !== 404) throw err
      const fresh: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.opts.name, namespace: this.opts.namespace },
        spec: {
          holderIdentity: this.identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: at,
          renewTime: at,
          leaseTransitions: 0,
        },
      }
      return this.write('POST', this.path, fresh)
    }
    this.observe(current)
    const spec = current.spec ?? {}
    const holder = spec.holderIdentity ?? ''
    if (holder !== '' && holder !== this.identity && !this.expired()) return false
    const next: LeaseSpec =
      holder === this.identity && this.leading
        ? { ...spec, leaseDurationSeconds: durationSeconds, renewTime: at }
        : {
            holderIdentity: this.identity,
            leaseDurationSeconds: durationSeconds,
            acquireTime: at,
            renewTime: at,
            leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === this.identity ? 0 : 1),
          }
    // The resourceVersion read above makes this a compare-and-swap: a 409 means another replica wrote first.
    return this.write('PUT', `${this.path}/${encodeURIComponent(this.opts.name)}`, { ...current, spec: next })
  }

  private async write(method: 'POST' | 'PUT', path: string, lease: Lease): Promise<boolean> {
    try {
      const written = await this.opts.access.send<Lease>(method, path, lease, this.requestSignal())
      this.observe(written)
      return true
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 409) return false
      throw err
    }
  }

  /** Hands the lease over at once: empty holder and a renewTime already in the past. */
  private async release(): Promise<void> {
    const path = `${this.path}/${encodeURIComponent(this.opts.name)}`
    try {
      const res = await this.opts.access.request(path, {}, this.requestSignal())
      const current = (await res.json()) as Lease
      if (current.spec?.holderIdentity !== this.identity) return
      const past = microTime(this.now() - this.leaseMs)
      await this.opts.access.send(
        'PUT',
        path,
        {
          ...current,
          spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: past },
        },
        this.requestSignal(),
      )
      this.log(`lease ${this.opts.namespace}/${this.opts.name}: released`)
    } catch (err) {
      // Not fatal: the lease simply expires after its duration.
      this.log(`lease ${this.opts.namespace}/${this.opts.name}: release failed: ${(err as Error).message}`)
    }
  }
}
