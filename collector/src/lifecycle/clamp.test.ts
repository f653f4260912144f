import { describe, expect, it } from 'vitest'
import type { Boundaries } from './boundaries.ts'
import { clampMonotone, fitPulls } from './clamp.ts'

const base: Boundaries = {
  created: { ms: 1000, source: 'watch' },
  scheduled: { ms: 1500.4, source: 'event-time' },
  sandboxReady: { ms: 3000, source: 'watch' },
  initialized: null,
  containersStarted: { ms: 2500, source: 'event-name' },
  ready: { ms: 4000, source: 'watch' },
  finished: null,
}

describe('clampMonotone', () => {
  it('rounds, moves a boundary that precedes the one before it, and counts it', () => {
    const { boundaries: b, clamps, clampedMs } = clampMonotone(base, false)
    expect(b.scheduled?.ms).toBe(1500)
    expect(b.containersStarted).toEqual({ ms: 3000, source: 'event-name' })
    expect(clamps).toBe(1)
    expect(clampedMs).toBe(500)
    // No init containers: initialized is sandboxReady (init = 0).
    expect(b.initialized).toEqual({ ms: 3000, source: 'watch' })
    expect(base.containersStarted?.ms).toBe(2500)
  })

  it('does not count a whole-second source less than a second behind: that is truncation', () => {
    const { boundaries: b, clamps } = clampMonotone(
      { ...base, containersStarted: { ms: 2500, source: 'status' } },
      false,
    )
    expect(b.containersStarted?.ms).toBe(3000)
    expect(clamps).toBe(0)
  })

  it('keeps finished after the last boundary', () => {
    const { boundaries: b } = clampMonotone(
      { ...base, ready: null, finished: { ms: 2000, source: 'status' } },
      true,
    )
    expect(b.finished?.ms).toBe(3000)
    expect(b.initialized).toBeNull()
  })
})

describe('fitPulls', () => {
  it('leaves the start when the pulls fit', () => {
    expect(fitPulls(0, 1000, 200, 300)).toEqual({
      pullWait: 200,
      pull: 300,
      start: 500,
      clamps: 0,
      clampedMs: 0,
    })
  })
  it('takes the excess from the wait first, then the pull, keeping the sum', () => {
    expect(fitPulls(0, 1000, 300, 900)).toEqual({
      pullWait: 100,
      pull: 900,
      start: 0,
      clamps: 1,
      clampedMs: 200,
    })
    expect(fitPulls(0, 1000, 300, 1200)).toEqual({
      pullWait: 0,
      pull: 1000,
      start: 0,
      clamps: 1,
      clampedMs: 500,
    })
    expect(fitPulls(0, 1000, null, 1200)).toEqual({
      pullWait: null,
      pull: 1000,
      start: 0,
      clamps: 1,
      clampedMs: 200,
    })
  })
})
