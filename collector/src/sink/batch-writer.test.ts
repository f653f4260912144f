import { describe, expect, it } from 'vitest'
import { BatchWriter } from './batch-writer.ts'

describe('BatchWriter', () => {
  it('flushes by size and keeps order', async () => {
    const written: number[][] = []
    const w = new BatchWriter<number>({
      name: 't',
      batchSize: 3,
      flushIntervalMs: 10_000,
      write: async (b) => void written.push([...b]),
    })
    for (let i = 0; i < 7; i++) await w.push(i)
    await w.flush()
    expect(written.flat()).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(written[0]).toEqual([0, 1, 2])
  })

  it('writes what piled up behind a running write in one write, up to maxBatch', async () => {
    const written: number[][] = []
    let release: () => void = () => undefined
    let first = true
    const w = new BatchWriter<number>({
      name: 't',
      batchSize: 2,
      maxBatch: 5,
      flushIntervalMs: 10_000,
      write: async (b) => {
        written.push([...b])
        if (first) {
          first = false
          await new Promise<void>((r) => {
            release = r
          })
        }
      },
    })
    for (let i = 0; i < 2; i++) await w.push(i)
    // The first write (0, 1) is running: 2..8 wait behind it.
    for (let i = 2; i < 9; i++) await w.push(i)
    release()
    await w.flush()
    expect(written).toEqual([
      [0, 1],
      [2, 3, 4, 5, 6],
      [7, 8],
    ])
  })

  it('flushes by interval', async () => {
    const written: number[] = []
    const w = new BatchWriter<number>({
      name: 't',
      batchSize: 100,
      flushIntervalMs: 20,
      write: async (b) => void written.push(...b),
    })
    await w.push(1)
    await new Promise((r) => setTimeout(r, 80))
    expect(written).toEqual([1])
  })

  it('retries a failing store without losing or doubling rows', async () => {
    const written: number[] = []
    let failures = 3
    const errors: number[] = []
    const w = new BatchWriter<number>({
      name: 't',
      batchSize: 2,
      backoffInitialMs: 5,
      write: async (b) => {
        if (failures-- > 0) throw new Error('store down')
        written.push(...b)
      },
      onFlushError: (_n, _e, attempt) => errors.push(attempt),
    })
    for (let i = 0; i < 5; i++) await w.push(i)
    await w.flush()
    expect(written.sort()).toEqual([0, 1, 2, 3, 4])
    expect(errors).toEqual([1, 2, 3])
  })

  it('applies back-pressure when full and releases it after a flush', async () => {
    let open = false
    const written: number[] = []
    const w = new BatchWriter<number>({
      name: 't',
      batchSize: 2,
      maxBuffered: 4,
      backoffInitialMs: 5,
      write: async (b) => {
        if (!open) throw new Error('store down')
        written.push(...b)
      },
    })
    expect(w.push(1, 2, 3)).toBeUndefined()
    const blocked = w.push(4)
    expect(blocked).toBeInstanceOf(Promise)
    let released = false
    void (blocked as Promise<void>).then(() => {
      released = true
    })
    await new Promise((r) => setTimeout(r, 30))
    expect(released).toBe(false)
    open = true
    await blocked
    expect(released).toBe(true)
    await w.flush()
    expect(written).toEqual([1, 2, 3, 4])
  })

  it('gives up a flush at its deadline with a clear error, keeping the rows', async () => {
    const w = new BatchWriter<number>({
      name: 'pod_startups',
      backoffInitialMs: 5,
      write: async () => Promise.reject(new Error('down')),
    })
    await w.push(1)
    await expect(w.flush(50)).rejects.toThrow(/pod_startups: 1 rows still unwritten/)
    expect(w.depth).toBe(1)
  })

  it('isolates the items the store refuses for good, sets each aside once, and writes everything else', async () => {
    const written: number[] = []
    const rejected: Array<[number, string]> = []
    const poison = new Set([3, 17, 18, 40])
    let calls = 0
    const w = new BatchWriter<number>({
      name: 't',
      batchSize: 10,
      backoffInitialMs: 1,
      write: async (b) => {
        calls++
        const bad = b.find((x) => poison.has(x))
        if (bad !== undefined) {
          // As the store says it: a value that does not fit its column (ClickHouse code 53).
          throw Object.assign(new Error(`Code: 53. DB::Exception: Type mismatch for value ${bad}`), {
            code: '53',
          })
        }
        written.push(...b)
      },
      onRejected: (item, err) => void rejected.push([item, err.message]),
    })
    for (let i = 0; i < 50; i++) await w.push(i)
    await w.flush()
    expect([...written].sort((a, b) => a - b)).toEqual([...Array(50).keys()].filter((i) => !poison.has(i)))
    expect(rejected.map(([i]) => i).sort((a, b) => a - b)).toEqual([3, 17, 18, 40])
    expect(rejected[0]?.[1]).toContain('Type mismatch')
    expect(w.rejected).toBe(4)
    expect(w.depth).toBe(0)
    // Bisection, not one write per item: 5 batches plus about log2(10) splits per poisoned batch.
    expect(calls).toBeLessThan(45)
  })

  it('retries a retryable failure (no data error code) instead of setting items aside', async () => {
    let failures = 2
    const rejected: number[] = []
    const written: number[] = []
    const w = new BatchWriter<number>({
      name: 't',
      batchSize: 5,
      backoffInitialMs: 1,
      write: async (b) => {
        if (failures-- > 0) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
        written.push(...b)
      },
      onRejected: (item) => void rejected.push(item),
    })
    for (let i = 0; i < 5; i++) await w.push(i)
    await w.flush()
    expect(written).toEqual([0, 1, 2, 3, 4])
    expect(rejected).toEqual([])
  })

  it('gives up after maxRetryMs of retryable failures, saying how many rows are unwritten', async () => {
    const w = new BatchWriter<number>({
      name: 'pod_events',
      batchSize: 2,
      backoffInitialMs: 5,
      maxRetryMs: 60,
      write: async () => {
        throw new Error('socket hang up')
      },
    })
    for (let i = 0; i < 3; i++) await w.push(i)
    await expect(w.flush()).rejects.toThrow(/pod_events: store writes failed for too long, 3 rows unwritten/)
    expect(() => w.push(9)).toThrow(/unwritten/)
  })

  it('close(deadline) returns within the deadline with the count left when a write hangs', async () => {
    const w = new BatchWriter<number>({
      name: 't',
      batchSize: 2,
      write: () => new Promise<void>(() => undefined),
    })
    for (let i = 0; i < 5; i++) await w.push(i)
    const t0 = Date.now()
    const left = await w.close(150)
    const took = Date.now() - t0
    expect(left).toBe(5)
    expect(took).toBeGreaterThanOrEqual(140)
    expect(took).toBeLessThan(2_000)
  })
})
