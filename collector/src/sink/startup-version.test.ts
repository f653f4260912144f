import { describe, expect, it } from 'vitest'
import { startupVersion } from './startup-version.ts'

describe('startupVersion', () => {
  const t = Date.UTC(2026, 10, 22)
  it('lets a later write of the same kind win', () => {
    expect(startupVersion({ outcome: 'ready', fromStatusOnly: false }, t + 1)).toBeGreaterThan(
      startupVersion({ outcome: 'ready', fromStatusOnly: false }, t),
    )
  })
  it('never lets a pending record replace a final one, even written later', () => {
    expect(startupVersion({ outcome: 'pending', fromStatusOnly: false }, t + 86_400_000)).toBeLessThan(
      startupVersion({ outcome: 'failed', fromStatusOnly: false }, t),
    )
  })
  it('never lets a status-only rebuild replace a live observation', () => {
    expect(startupVersion({ outcome: 'ready', fromStatusOnly: true }, t + 86_400_000)).toBeLessThan(
      startupVersion({ outcome: 'ready', fromStatusOnly: false }, t),
    )
  })
  it('stays a safe integer', () => {
    expect(
      Number.isSafeInteger(startupVersion({ outcome: 'ready', fromStatusOnly: false }, Date.UTC(2400, 0, 1))),
    ).toBe(true)
  })
})
