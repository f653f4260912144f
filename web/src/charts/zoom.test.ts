import { describe, expect, it } from 'vitest'
import { stepMs, zoomQuery, zoomWindow } from './zoom.ts'

describe('zoom', () => {
  it('reads the store step format and ISO alike', () => {
    expect(stepMs('2026-12-01 03:00:00')).toBe(Date.UTC(2026, 11, 1, 3))
    expect(stepMs('2026-12-01T03:00:00.000Z')).toBe(Date.UTC(2026, 11, 1, 3))
    expect(stepMs('yesterday')).toBeNaN()
  })
  it('covers both steps and the whole later step, whichever way the drag went', () => {
    const w = { from: '2026-12-01T03:00:00.000Z', to: '2026-12-01T09:00:00.000Z' }
    expect(zoomWindow('2026-12-01 03:00:00', '2026-12-01 06:00:00', 3 * 3600)).toEqual(w)
    expect(zoomWindow('2026-12-01 06:00:00', '2026-12-01 03:00:00', 3 * 3600)).toEqual(w)
    expect(zoomWindow('x', '2026-12-01 03:00:00', 3600)).toBeNull()
  })
  it('replaces the named range and keeps the filters', () => {
    const q = zoomQuery('range=7d&cluster=a', {
      from: '2026-12-01T03:00:00.000Z',
      to: '2026-12-01T09:00:00.000Z',
    })
    const p = new URLSearchParams(q.slice(1))
    expect(p.get('range')).toBeNull()
    expect(p.get('cluster')).toBe('a')
    expect(p.get('from')).toBe('2026-12-01T03:00:00.000Z')
    expect(p.get('to')).toBe('2026-12-01T09:00:00.000Z')
  })
})
