// A bounded, batching, retrying writer for one table: flushes on size or interval, applies back-pressure
// (push() waits) when the buffer is full, and tells failures apart. A failure a retry may fix (store down,
// overloaded, a timeout) keeps the batch and retries it with backoff. A failure no retry can fix (the store
// refused a value) splits the batch in halves until the refused items stand alone; each is handed to
// onRejected with the error and the queue moves on. Nothing is dropped without onRejected hearing of it.
import { setTimeout as sleep } from 'node:timers/promises'
import { isRetryableWriteError } from '@podstart/schema/store'
import { metrics } from '../observability/metrics.ts'

export interface BatchWriterOptions<T> {
  name: string
  write(batch: T[]): Promise<void>
  /** Flush as soon as this many items wait. */
  batchSize?: number
  /**
   * The most items one write takes (default batchSize). A write takes everything waiting up to this: items
   * that piled up while the previous write ran go in one insert, not in batchSize-sized ones one after the other.
   */
  maxBatch?: number
  /** Flush at least this often when anything waits. */
  flushIntervalMs?: number
  /** Above this many buffered items push() waits for room. */
  maxBuffered?: number
  backoffInitialMs?: number
  backoffMaxMs?: number
  /** Give up after failing retryably for this long (a CLI's bound); default: retry while the process lives. */
  maxRetryMs?: number
  /** Whether a failed write may succeed when retried. Default: isRetryableWriteError (store's error codes). */
  isRetryable?(error: Error): boolean
  /**
   * An item the store refused for good, isolated from its batch. Without this handler every failure is
   * retried (nothing may vanish unheard).
   */
  onRejected?(item: T, error: Error): void | Promise<void>
  onFlushError?(name: string, error: Error, attempt: number): void
  onFlushed?(name: string, count: number): void
}

/** The writer stopped retrying (maxRetryMs passed): what it held is unwritten. */
export class WriterGaveUpError extends Error {
  override name = 'WriterGaveUpError'
  constructor(
    readonly writer: string,
    readonly unwritten: number,
    readonly lastError: Error,
  ) {
    super(`${writer}: store writes failed for too long, ${unwritten} rows unwritten: ${lastError.message}`)
  }
}

export class BatchWriter<T> {
  private buffer: T[] = []
  private inFlight: T[] = []
  /** Halves of a batch the store refused, written before the buffer so order is kept. */
  private splits: T[][] = []
  private flushing: Promise<void> | null = null
  private timer: NodeJS.Timeout | null = null
  private waiters: Array<() => void> = []
  private closed = false
  private readonly abandon = new AbortController()
  private consecutiveFailures = 0
  private failingSince: number | null = null
  private gaveUp: WriterGaveUpError | null = null
  private rejectedCount = 0
  readonly o: Required<
    Omit<
      BatchWriterOptions<T>,
      'onFlushError' | 'onFlushed' | 'onRejected' | 'isRetryable' | 'maxRetryMs' | 'maxBatch'
    >
  > &
    Pick<BatchWriterOptions<T>, 'onFlushError' | 'onFlushed' | 'onRejected' | 'isRetryable' | 'maxRetryMs'>
  private readonly maxBatch: number

  constructor(opts: BatchWriterOptions<T>) {
    this.o = {
      batchSize: 5_000,
      flushIntervalMs: 1_000,
      maxBuffered: 100_000,
      backoffInitialMs: 250,
      backoffMaxMs: 10_000,
      ...opts,
    }
    this.maxBatch = Math.max(opts.maxBatch ?? this.o.batchSize, 1)
  }

  /** Items waiting, including a batch being written. */
  get depth(): number {
    let n = this.buffer.length + this.inFlight.length
    for (const s of this.splits) n += s.length
    return n
  }

  get failing(): boolean {
    return this.consecutiveFailures > 0
  }

  /** Items handed to onRejected so far. */
  get rejected(): number {
    return this.rejectedCount
  }

  /** Adds items; resolves immediately when there is room, else once a flush made room. */
  push(...items: T[]): void | Promise<void> {
    if (this.gaveUp) throw this.gaveUp
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

  /** Writes everything buffered now, retrying until it succeeds or `deadlineMs` passes (then throws). */
  async flush(deadlineMs = Number.POSITIVE_INFINITY): Promise<void> {
    const until = Date.now() + deadlineMs
    while (this.depth > 0) {
      if (this.gaveUp) throw this.gaveUp
      if (this.abandon.signal.aborted)
        throw new Error(`${this.o.name}: closed with ${this.depth} rows unwritten`)
      this.kick()
      const remaining = until - Date.now()
      if (Number.isFinite(remaining)) await Promise.race([this.flushing, sleep(Math.max(0, remaining))])
      else await this.flushing
      if (this.gaveUp) throw this.gaveUp
      if (this.depth > 0 && Date.now() >= until) {
        throw new Error(`${this.o.name}: ${this.depth} rows still unwritten after ${deadlineMs} ms`)
      }
    }
  }

  /**
   * Writes what it can within `deadlineMs`, then stops for good (no more retries) and returns how many items
   * were left unwritten. Never throws.
   */
  async close(deadlineMs = Number.POSITIVE_INFINITY): Promise<number> {
    try {
      await this.flush(deadlineMs)
    } catch {
      // counted below
    }
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    const left = this.depth
    if (left > 0) this.abandon.abort()
    this.release(true)
    return left
  }

  private arm(): void {
    if (this.timer || this.flushing || this.closed) return
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
    if (this.flushing || this.depth === 0 || this.abandon.signal.aborted || this.gaveUp) return
    this.flushing = this.drain().finally(() => {
      this.flushing = null
      if (this.buffer.length > 0) this.arm()
    })
  }

  private retryable(err: Error): boolean {
    if (!this.o.onRejected) return true
    return (this.o.isRetryable ?? isRetryableWriteError)(err)
  }

  private async drain(): Promise<void> {
    while (this.depth > 0 && !this.abandon.signal.aborted) {
      if (this.inFlight.length === 0) this.inFlight = this.splits.shift() ?? this.take()
      const startedAt = performance.now()
      try {
        await this.o.write(this.inFlight)
        metrics.storeWriteSeconds.observe(
          { table: this.o.name, outcome: 'ok' },
          (performance.now() - startedAt) / 1000,
        )
        this.o.onFlushed?.(this.o.name, this.inFlight.length)
        this.inFlight = []
        this.consecutiveFailures = 0
        this.failingSince = null
        this.release()
      } catch (e) {
        if (this.abandon.signal.aborted) return
        metrics.storeWriteSeconds.observe(
          { table: this.o.name, outcome: 'error' },
          (performance.now() - startedAt) / 1000,
        )
        const err = e instanceof Error ? e : new Error(String(e))
        if (!this.retryable(err)) {
          await this.isolate(err)
          continue
        }
        this.consecutiveFailures++
        this.failingSince ??= Date.now()
        this.o.onFlushError?.(this.o.name, err, this.consecutiveFailures)
        if (this.o.maxRetryMs !== undefined && Date.now() - this.failingSince >= this.o.maxRetryMs) {
          this.gaveUp = new WriterGaveUpError(this.o.name, this.depth, err)
          this.release(true)
          return
        }
        const delay = Math.min(
          this.o.backoffInitialMs * 2 ** (this.consecutiveFailures - 1),
          this.o.backoffMaxMs,
        )
        await sleep(delay, undefined, { signal: this.abandon.signal }).catch(() => undefined)
      }
    }
  }

  /** The next batch from the buffer: all of it when it fits one write (no copy), else its first maxBatch items. */
  private take(): T[] {
    if (this.buffer.length <= this.maxBatch) {
      const all = this.buffer
      this.buffer = []
      return all
    }
    return this.buffer.splice(0, this.maxBatch)
  }

  /** A refused batch: halves go back to the front of the queue; a refused single item goes to onRejected. */
  private async isolate(err: Error): Promise<void> {
    const batch = this.inFlight
    this.inFlight = []
    if (batch.length > 1) {
      const mid = Math.ceil(batch.length / 2)
      this.splits.unshift(batch.slice(0, mid), batch.slice(mid))
      return
    }
    const item = batch[0] as T
    this.rejectedCount++
    try {
      await this.o.onRejected?.(item, err)
    } catch {
      // onRejected must not block the queue; its own failure is its to count.
    }
    this.release()
  }

  private release(all = false): void {
    while (this.waiters.length > 0 && (all || this.depth < this.o.maxBuffered)) this.waiters.shift()?.()
  }
}
