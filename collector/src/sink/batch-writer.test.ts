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
})
