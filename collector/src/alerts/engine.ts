// The alert engine: turns rule observations into alert episodes (fired, de-duplicated by a fingerprint of their
// labels, resolved when the condition clears), groups them for delivery and records every episode in the store.
import { createHash } from 'node:crypto'
import {
  type AlertEpisode,
  phaseBreakdown,
  reportPullSamples,
  saveAlertEpisode,
} from '@podstart/schema/queries'
import type { StartupRecord } from '@podstart/schema/record'
import type { Querier } from '@podstart/schema/store'
import type { AlertsConfig, TransportConfig } from './config.ts'
import { type DeliveryResult, Dispatcher } from './dispatcher.ts'
import { type Observation, observeRecord, startupObjectiveBreaches, throughputCollapses } from './rules.ts'
import type { AlertNotice, GroupNotice } from './transports/index.ts'

export function fingerprint(labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]])
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16)
}

interface Active {
  episode: AlertEpisode
  /** Times (engine clock) the condition was seen, for windowed per-record rules. */
  seen: number[]
}

export interface AlertEngineOptions {
  cluster: string
  config: AlertsConfig
  /** Store for the history and the windowed rules; without it alerts are kept in memory only. */
  querier?: Querier
  log?: (line: string) => void
  now?: () => number
  /** Replaces HTTP delivery (tests). */
  send?: (t: TransportConfig, g: GroupNotice) => Promise<void>
}

const iso = (ms: number) => new Date(ms).toISOString()

export class AlertEngine {
  private readonly active = new Map<string, Active>()
  private readonly episodes = new Map<string, AlertEpisode>()
  private readonly dispatcher: Dispatcher
  private readonly now: () => number
  private readonly log: (line: string) => void
  private lastVersion = 0
  private writes: Promise<void> = Promise.resolve()
  private timer: NodeJS.Timeout | null = null
  private lastResend = 0
  readonly deliveries: DeliveryResult[] = []

  constructor(private readonly opts: AlertEngineOptions) {
    this.now = opts.now ?? Date.now
    this.log = opts.log ?? (() => undefined)
    this.dispatcher = new Dispatcher(opts.config, (r) => this.onDelivery(r), opts.send)
  }

  /** Called with each startup record the collector wrote. */
  onStartup(record: StartupRecord): void {
    const now = this.now()
    const obs = observeRecord(this.opts.config.rules, record)
    const changed: Active[] = []
    for (const o of obs) {
      const a = this.observe(o, now)
      if (a) changed.push(a)
    }
    changed.push(...this.ageOut(now))
    this.notify(changed)
  }

  /** Periodic evaluation: windowed rules over the store, ageing-out of per-record conditions, re-sends. */
  async evaluate(): Promise<void> {
    const now = this.now()
    const changed = this.ageOut(now)
    const q = this.opts.querier
    const rules = this.opts.config.rules
    if (q) {
      if (rules.startupP90.enabled) {
        const rows = await phaseBreakdown(q)({
          from: iso(now - rules.startupP90.windowMs),
          to: iso(now + 1),
          groupBy: ['cluster', 'namespace', 'workload'],
          filters: { cluster: this.opts.cluster },
          outcome: 'ready',
        })
        changed.push(...this.reconcile('startup-p90', startupObjectiveBreaches(rules.startupP90, rows), now))
      }
      if (rules.nodeThroughput.enabled) {
        const pulls = await reportPullSamples(q)({
          from: iso(now - rules.nodeThroughput.windowMs),
          to: iso(now + 1),
          cluster: this.opts.cluster,
        })
        changed.push(
          ...this.reconcile('node-pull-throughput', throughputCollapses(rules.nodeThroughput, pulls), now),
        )
      }
    }
    this.notify(changed)
    this.resendToAlertmanager(now)
  }

  start(intervalMs = 30_000): void {
    this.timer = setInterval(() => {
      this.evaluate().catch((err) => this.log(`alert evaluation failed: ${(err as Error).message}`))
    }, intervalMs)
    this.timer.unref()
  }

  /** Waits for queued deliveries and history writes. */
  async idle(): Promise<void> {
    await this.dispatcher.idle()
    await this.writes
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    await this.idle()
    this.dispatcher.close()
  }

  history(): AlertEpisode[] {
    return [...this.episodes.values()]
  }

  /** Sends a plain-text notice (the report summary) to the named transports, or all. */
  announce(text: string, only?: string[]): void {
    this.dispatcher.notify({ groupKey: `text:${this.now()}`, groupLabels: {}, alerts: [], text }, only)
  }

  private windowOf(rule: Observation['rule']): number | null {
    const r = this.opts.config.rules
    if (rule === 'slow-pull') return r.slowPull.windowMs
    if (rule === 'pull-failures') return r.pullFailures.windowMs
    return null
  }

  private minCount(rule: Observation['rule']): number {
    const r = this.opts.config.rules
    return rule === 'slow-pull'
      ? r.slowPull.minSlowPulls
      : rule === 'pull-failures'
        ? r.pullFailures.minFailures
        : 1
  }

  private observe(o: Observation, now: number): Active | null {
    const fp = fingerprint(o.labels)
    let a = this.active.get(fp)
    if (!a) {
      a = {
        seen: [],
        episode: {
          cluster: this.opts.cluster,
          fingerprint: fp,
          rule: o.rule,
          labels: o.labels,
          annotations: o.annotations,
          state: 'resolved',
          startsAt: iso(now),
          endsAt: null,
          lastSentAt: null,
          deliveries: 0,
          lastError: null,
        },
      }
      this.active.set(fp, a)
    }
    a.seen.push(now)
    a.episode.annotations = o.annotations
    if (a.episode.state === 'firing' || a.seen.length < this.minCount(o.rule)) return null
    a.episode.state = 'firing'
    a.episode.startsAt = iso(now)
    a.episode.endsAt = null
    this.save(a.episode)
    return a
  }

  private resolve(a: Active, now: number): Active | null {
    this.active.delete(a.episode.fingerprint)
    if (a.episode.state !== 'firing') return null
    a.episode.state = 'resolved'
    a.episode.endsAt = iso(now)
    this.save(a.episode)
    return a
  }

  /** Per-record conditions clear when too few observations remain in their window. */
  private ageOut(now: number): Active[] {
    const out: Active[] = []
    for (const a of [...this.active.values()]) {
      const w = this.windowOf(a.episode.rule as Observation['rule'])
      if (w === null) continue
      a.seen = a.seen.filter((t) => t > now - w)
      if (a.seen.length < this.minCount(a.episode.rule as Observation['rule'])) {
        const r = this.resolve(a, now)
        if (r) out.push(r)
      }
    }
    return out
  }

  /** Windowed rules: what the evaluation found fires; what was active for the rule and is gone resolves. */
  private reconcile(rule: Observation['rule'], found: Observation[], now: number): Active[] {
    const out: Active[] = []
    const fps = new Set<string>()
    for (const o of found) {
      fps.add(fingerprint(o.labels))
      const a = this.observe(o, now)
      if (a) out.push(a)
    }
    for (const a of [...this.active.values()]) {
      if (a.episode.rule === rule && !fps.has(a.episode.fingerprint)) {
        const r = this.resolve(a, now)
        if (r) out.push(r)
      }
    }
    return out
  }

  private notice(e: AlertEpisode): AlertNotice {
    return {
      fingerprint: e.fingerprint,
      status: e.state,
      labels: e.labels,
      annotations: e.annotations,
      startsAt: e.startsAt,
      endsAt: e.endsAt,
      generatorURL: `${this.opts.config.externalUrl.replace(/\/+$/, '')}/alerts?fingerprint=${e.fingerprint}`,
    }
  }

  private notify(changed: Active[]): void {
    const groups = new Map<string, GroupNotice>()
    for (const a of changed) {
      const e = a.episode
      this.episodes.set(`${e.fingerprint}@${e.startsAt}`, e)
      const groupLabels = Object.fromEntries(
        this.opts.config.groupBy.flatMap((k) =>
          e.labels[k] !== undefined ? [[k, e.labels[k] as string]] : [],
        ),
      )
      const groupKey = `{}:${JSON.stringify(groupLabels)}`
      const g = groups.get(groupKey) ?? { groupKey, groupLabels, alerts: [] }
      g.alerts.push(this.notice(e))
      groups.set(groupKey, g)
    }
    for (const g of groups.values()) this.dispatcher.notify(g)
  }

  /** Alertmanager forgets an alert it has not heard about for resolve_timeout: re-send the active ones. */
  private resendToAlertmanager(now: number): void {
    const am = this.dispatcher.transports().filter((t) => t.type === 'alertmanager')
    if (!am.length) return
    const interval = Math.min(...am.map((t) => (t.type === 'alertmanager' ? t.resendIntervalMs : 60_000)))
    if (now - this.lastResend < interval) return
    this.lastResend = now
    const firing = [...this.active.values()].filter((a) => a.episode.state === 'firing')
    if (firing.length)
      this.dispatcher.notify(
        { groupKey: 'resend', groupLabels: {}, alerts: firing.map((a) => this.notice(a.episode)) },
        am.map((t) => t.name),
      )
  }

  private onDelivery(r: DeliveryResult): void {
    this.deliveries.push(r)
    if (!r.ok) this.log(`alert delivery: ${r.error} (attempt ${r.attempts})`)
    for (const n of r.notice.alerts) {
      const e = this.episodes.get(`${n.fingerprint}@${n.startsAt}`)
      if (!e) continue
      if (r.ok) {
        e.deliveries++
        e.lastSentAt = iso(this.now())
      } else e.lastError = r.error ?? 'delivery failed'
      this.save(e)
    }
  }

  private save(e: AlertEpisode): void {
    const q = this.opts.querier
    if (!q) return
    const version = Math.max(Date.now(), this.lastVersion + 1)
    this.lastVersion = version
    const snapshot = { ...e }
    this.writes = this.writes
      .then(() => saveAlertEpisode(q, snapshot, version))
      .catch((err) => this.log(`alert history write failed: ${(err as Error).message}`))
  }
}
