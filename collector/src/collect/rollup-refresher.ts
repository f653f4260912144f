// Rebuilds stale closed hour buckets of the startup rollups every few seconds, one pass at a time, so the
// dashboard reads rollups for most of history and raw rows only for the open tail and recent rewrites.
import { pruneSupersededRollups, refreshRollups } from '@podstart/schema/rollups'
import type { Querier } from '@podstart/schema/store'

export interface RollupRefresherOptions {
  querier: Querier
  /** Time between passes; default 30 s. */
  intervalMs?: number
  /** Buckets rebuilt per pass at most (a backlog continues on the next pass without waiting). */
  bucketsPerPass?: number
  log?: (line: string) => void
}

export class RollupRefresher {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private stopped = false
  private failures = 0
  private passes = 0

  constructor(private readonly opts: RollupRefresherOptions) {}

  start(): void {
    this.stopped = false
    this.schedule(0)
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.running = this.pass().then((more) => {
        this.running = null
        this.schedule(more ? 0 : (this.opts.intervalMs ?? 30_000))
      })
    }, delayMs)
    this.timer.unref()
  }

  /** One pass; resolves true when more stale buckets remain. Errors are logged, never thrown: the next pass retries. */
  async pass(): Promise<boolean> {
    try {
      const result = await refreshRollups(this.opts.querier, { limit: this.opts.bucketsPerPass ?? 200 })
      // Pruning is housekeeping: every tenth pass is plenty.
      if (++this.passes % 10 === 0) await pruneSupersededRollups(this.opts.querier)
      if (this.failures > 0) this.opts.log?.('rollup refresh recovered')
      this.failures = 0
      return result.more
    } catch (err) {
      if (this.failures++ % 10 === 0)
        this.opts.log?.(`rollup refresh failed, retrying: ${(err as Error).message}`)
      return false
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    await this.running
  }
}
