// Delivery: one independent queue per transport, so a failing or slow receiver never holds up the others.
// Notifications of one group coalesce (the latest state wins); each is retried with exponential backoff and
// the transport is rate-limited per minute.
import type { AlertsConfig, TransportConfig } from './config.ts'
import { DeliveryError, deliver, type GroupNotice } from './transports/index.ts'

export interface DeliveryResult {
  transport: string
  notice: GroupNotice
  ok: boolean
  attempts: number
  error?: string
}

type Send = (t: TransportConfig, g: GroupNotice) => Promise<void>

class TransportQueue {
  private readonly pending = new Map<string, GroupNotice>()
  private running: Promise<void> | null = null
  private readonly sentAt: number[] = []
  private closed = false

  constructor(
    readonly transport: TransportConfig,
    private readonly delivery: AlertsConfig['delivery'],
    private readonly send: Send,
    private readonly onResult: (r: DeliveryResult) => void,
  ) {}

  push(g: GroupNotice): void {
    this.pending.set(g.groupKey, g)
    if (!this.running) this.running = this.drain().finally(() => (this.running = null))
  }

  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  close(): void {
    this.closed = true
  }

  private async rateLimit(): Promise<void> {
    for (;;) {
      const now = Date.now()
      while (this.sentAt.length && (this.sentAt[0] as number) <= now - 60_000) this.sentAt.shift()
      if (this.sentAt.length < this.delivery.maxPerMinute) return
      await sleep((this.sentAt[0] as number) + 60_000 - now)
    }
  }

  private async drain(): Promise<void> {
    while (this.pending.size && !this.closed) {
      const [key, notice] = this.pending.entries().next().value as [string, GroupNotice]
      this.pending.delete(key)
      await this.rateLimit()
      let attempt = 0
      let error: string | undefined
      for (;;) {
        attempt++
        try {
          this.sentAt.push(Date.now())
          await this.send(this.transport, notice)
          error = undefined
          break
        } catch (err) {
          error =
            err instanceof DeliveryError ? err.message : `transport ${this.transport.name}: delivery failed`
          const retryable = !(err instanceof DeliveryError) || err.retryable
          // A newer state of the same group supersedes this one: stop retrying the stale notice.
          if (!retryable || attempt >= this.delivery.maxAttempts || this.pending.has(key) || this.closed)
            break
          const backoff = Math.min(
            this.delivery.maxBackoffMs,
            this.delivery.initialBackoffMs * 2 ** (attempt - 1),
          )
          this.onResult({ transport: this.transport.name, notice, ok: false, attempts: attempt, error })
          await sleep(backoff)
        }
      }
      this.onResult({
        transport: this.transport.name,
        notice,
        ok: error === undefined,
        attempts: attempt,
        error,
      })
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.())

export class Dispatcher {
  private readonly queues: TransportQueue[]

  constructor(
    config: AlertsConfig,
    onResult: (r: DeliveryResult) => void,
    send: Send = (t, g) =>
      deliver(t, g, { externalUrl: config.externalUrl, timeoutMs: config.delivery.timeoutMs }),
  ) {
    this.queues = config.transports.map((t) => new TransportQueue(t, config.delivery, send, onResult))
  }

  /** Queues a notice on every transport (or the named ones); returns at once. */
  notify(g: GroupNotice, only?: string[]): void {
    for (const q of this.queues) if (!only || only.includes(q.transport.name)) q.push(g)
  }

  transports(): TransportConfig[] {
    return this.queues.map((q) => q.transport)
  }

  async idle(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.idle()))
  }

  close(): void {
    for (const q of this.queues) q.close()
  }
}
