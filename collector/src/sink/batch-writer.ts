// A bounded, batching, retrying writer for one table: flushes on size or interval, retries failed
// batches with backoff while keeping them, and applies back-pressure (push() waits) when the buffer is
// full, so nothing is ever dropped silently.
import { setTimeout as sleep } from 'node:timers/promises'

export interface BatchWriterOptions<T> {
  name: string
  write(batch: T[]): Promise<void>
  /** Flush as soon as this many items wait. */
  batchSize?: number
  /** Flush at least this often when anything waits. */
  flushIntervalMs?: number
  /** Above this many buffered items push() waits for room. */
  maxBuffered?: number
  backoffInitialMs?: number
  backoffMaxMs?: number
  onFlushError?(name: string, error: Error, attempt: number): void
  onFlushed?(name: string, count: number): void
}

export class BatchWriter<T> {
  private buffer: T[] = []
  private inFlight: T[] = []
  private flushing: Promise<void> | null = null
  private timer: NodeJS.Timeout | null = null
  private waiters: Array<() => void> = []
  private closed = false
  private consecutiveFailures = 0
  readonly o: Required<Omit<BatchWriterOptions<T>, 'onFlushError' | 'onFlushed'>> &
    Pick<BatchWriterOptions<T>, 'onFlushError' | 'onFlushed'>

  constructor(opts: BatchWriterOptions<T>) {
    this.o = {
      batchSize: 5_000,
      flushIntervalMs: 1_000,
      maxBuffered: 100_000,
      backoffInitialMs: 250,
      backoffMaxMs: 10_000,
      ...opts,
    }
  }

  /** Items waiting, including a batch being written. */
  get depth(): number {
    return this.buffer.length + this.inFlight.length
  }

  get failing(): boolean {
    return this.consecutiveFailures > 0
  }

  /** Adds items; resolves immediately when there is room, else once a flush made room. */
  push(...items: T[]): void | Promise<void> {
    if (this.closed) throw new Error(`${this.o.name}: writer is closed`)
    for (const item of items) this.buffer.push(item)
    if (this.buffer.length >= this.o.batchSize) this.kick()
    else this.arm()
    if (this.depth >= this.o.maxBuffered) {
      return new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        this.kick()
      })
    }
  }

  /** Writes everything buffered now, retrying until it succeeds or `deadlineMs` passes. */
  async flush(deadlineMs = Number.POSITIVE_INFINITY): Promise<void> {
    const until = Date.now() + deadlineMs
    while (this.depth > 0) {
      this.kick()
      const remaining = until - Date.now()
      if (Number.isFinite(remaining)) await Promise.race([this.flushing, sleep(Math.max(0, remaining))])
      else await this.flushing
      if (this.depth > 0 && Date.now() >= until) {
        throw new Error(`${this.o.name}: ${this.depth} rows still unwritten after ${deadlineMs} ms`)
      }
    }
  }

  async close(deadlineMs?: number): Promise<void> {
    await this.flush(deadlineMs)
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
  }

  private arm(): void {
    if (this.timer || this.flushing) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.kick()
    }, this.o.flushIntervalMs)
    this.timer.unref()
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    if (this.flushing || this.depth === 0) return
    this.flushing = this.drain().finally(() => {
      this.flushing = null
      if (this.buffer.length > 0) this.arm()
    })
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0 || this.inFlight.length > 0) {
      if (this.inFlight.length === 0) this.inFlight = this.buffer.splice(0, this.o.batchSize)
      try {
        await this.o.write(this.inFlight)
        this.o.onFlushed?.(this.o.name, this.inFlight.length)
        this.inFlight = []
        this.consecutiveFailures = 0
        this.release()
      } catch (err) {
        this.consecutiveFailures++
        this.o.onFlushError?.(this.o.name, err as Error, this.consecutiveFailures)
        const delay = Math.min(
          this.o.backoffInitialMs * 2 ** (this.consecutiveFailures - 1),
          this.o.backoffMaxMs,
        )
        await sleep(delay)
      }
    }
  }

  private release(): void {
    while (this.waiters.length > 0 && this.depth < this.o.maxBuffered) this.waiters.shift()?.()
  }
}
