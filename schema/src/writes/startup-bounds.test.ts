import { describe, expect, it } from 'vitest'
import { at, BASE_MS, coldRecord } from '../../test/fixtures/records.ts'
import type { StartupRecord } from '../record/types.ts'
import { validateStartupRecord } from '../record/validate.ts'
import { imagePullInsert } from '../rows/image-pulls.ts'
import { podStartupInsert } from '../rows/pod-startups.ts'
import { startupToRows } from '../rows/startup-rows.ts'
import { boundStartupRecord, MAX_DURATION_MS } from './startup-bounds.ts'

const NOW = BASE_MS + 86_400_000
const DAY = 86_400_000

function bound(r: StartupRecord) {
  const b = boundStartupRecord(r, NOW)
  if (!b.ok) throw new Error(`rejected: ${b.message}`)
  return b
}

describe('boundStartupRecord', () => {
  it('leaves a well-formed record as it is, without corrections', () => {
    const r = coldRecord()
    const b = bound(r)
    expect(b.corrections).toEqual([])
    expect(b.record).toEqual(r)
  })

  it('nulls the total of a pod created 60 days before a Ready that flapped an hour ago, and says why', () => {
    const created = NOW - 60 * DAY
    const r = coldRecord({
      createdAt: new Date(created).toISOString(),
      readyAt: new Date(NOW - 3_600_000).toISOString(),
      totalMs: 60 * DAY - 3_600_000,
    })
    r.phases.ready = 60 * DAY - 3_600_000 - 11_300
    const before = JSON.stringify(r)
    const b = bound(r)
    expect(b.record.totalMs).toBeNull()
    expect(b.record.phases.ready).toBeNull()
    expect(b.corrections.map((c) => [c.field, c.reason])).toEqual([
      ['totalMs', 'duration-over-ceiling'],
      ['phases.ready', 'duration-over-ceiling'],
    ])
    expect(b.corrections[0]?.was).toBe(60 * DAY - 3_600_000)
    // The input is not changed: the caller may still log or set aside the original.
    expect(JSON.stringify(r)).toBe(before)
    expect(validateStartupRecord(b.record).ok).toBe(true)
  })

  it('nulls a forged pull duration (in 99999999h) and the pull phase that would claim it', () => {
    const r = coldRecord()
    const forged = 99_999_999 * 3_600_000
    const p = r.pulls.find((x) => !x.init && x.pullMs !== null)
    if (!p) throw new Error('fixture has a regular pull')
    p.pullMs = forged
    r.phases.pull = forged
    const b = bound(r)
    const i = r.pulls.indexOf(p)
    expect(b.record.pulls[i]?.pullMs).toBeNull()
    expect(b.record.phases.pull).toBeNull()
    expect(b.corrections.map((c) => c.field)).toContain(`pulls[${i}].pullMs`)
    expect(b.corrections.map((c) => c.field)).toContain('phases.pull')
    expect(b.record.phases.scheduling).toBe(r.phases.scheduling)
  })

  it('keeps a duration at the ceiling and nulls one just past it', () => {
    const r = coldRecord()
    r.phases.scheduling = MAX_DURATION_MS
    r.phases.sandbox = MAX_DURATION_MS + 1
    const b = bound(r)
    expect(b.record.phases.scheduling).toBe(MAX_DURATION_MS)
    expect(b.record.phases.sandbox).toBeNull()
  })

  it.each([
    ['before 1900', '1899-12-31T23:59:59.000Z'],
    ['before the Unix epoch', '1969-07-20T20:17:40.000Z'],
    ['in 2400', '2400-01-01T00:00:00.000Z'],
    ['in 9999', '9999-12-31T23:59:59.999Z'],
    ['two days ahead of the writer', new Date(NOW + 2 * DAY).toISOString()],
  ])('rejects a pod created %s, naming it and the range', (_what, createdAt) => {
    const r = coldRecord({ createdAt, uid: 'far-1' })
    const b = boundStartupRecord(r, NOW)
    expect(b.ok).toBe(false)
    if (b.ok) return
    expect(b.reason).toBe('created-out-of-range')
    expect(b.message).toContain('shop/checkout-7d9f8b6c5-x2x9q (uid far-1)')
    expect(b.message).toContain(createdAt)
  })

  it('accepts a pod created a few hours ahead (clock skew), and nulls boundaries outside DateTime64', () => {
    const r = coldRecord({ createdAt: new Date(NOW + 3 * 3_600_000).toISOString() })
    r.boundaries.finished = { at: '2301-01-01T00:00:00.000Z', source: 'status' }
    const b = bound(r)
    expect(b.record.boundaries.finished).toBeNull()
    expect(b.corrections).toEqual([
      { field: 'boundaries.finished', reason: 'time-out-of-range', was: '2301-01-01T00:00:00.000Z' },
    ])
  })

  it('nulls negative durations from clock skew instead of refusing the record', () => {
    const r = coldRecord({ totalMs: -5 })
    r.phases.start = -1
    const b = bound(r)
    expect(b.record.totalMs).toBeNull()
    expect(b.record.phases.start).toBeNull()
    expect(b.corrections.every((c) => c.reason === 'negative-duration')).toBe(true)
  })

  it('rejects a record that breaks the contract, with the contract errors, and never throws', () => {
    const broken = { ...coldRecord(), namespace: '' } as StartupRecord
    const b = boundStartupRecord(broken, NOW)
    expect(b.ok).toBe(false)
    if (!b.ok) {
      expect(b.reason).toBe('invalid-record')
      expect(b.message).toMatch(/namespace/)
    }
    for (const junk of [null, 42, 'x', { pulls: 'no' }, { ...coldRecord(), phases: null }]) {
      const j = boundStartupRecord(junk as unknown as StartupRecord, NOW)
      expect(j.ok).toBe(false)
    }
  })

  it('caps pull attempts to the column and nulls an unsafe image size', () => {
    const r = coldRecord({ createdAt: at(0) })
    const p = r.pulls[0]
    if (!p) throw new Error('fixture has pulls')
    p.attempts = 70_000
    p.sizeBytes = 2 ** 60
    const b = bound(r)
    expect(b.record.pulls[0]?.attempts).toBe(65_535)
    expect(b.record.pulls[0]?.sizeBytes).toBeNull()
    expect(b.corrections.map((c) => c.reason)).toEqual(['count-capped', 'count-capped'])
  })

  it('whatever it was given, a bounded record fits the pod_startups and image_pulls row schemas', () => {
    const extreme = coldRecord()
    extreme.totalMs = 2 ** 40
    extreme.clockSkewClamps = 2 ** 40
    extreme.clockSkewClampedMs = -3
    for (const k of Object.keys(extreme.phases) as (keyof typeof extreme.phases)[])
      extreme.phases[k] = 2 ** 33
    for (const p of extreme.pulls) {
      p.pullMs = 2 ** 35
      p.waitMs = -1
      p.downloadMs = 2 ** 32
      p.decompressMs = 5e15
      p.attempts = 1e6
      p.sizeBytes = -4
      p.startedAt = '2400-01-01T00:00:00.000Z'
    }
    extreme.boundaries.ready = { at: '1850-01-01T00:00:00.000Z', source: 'watch' }
    for (const r of [coldRecord(), extreme]) {
      const b = bound(r)
      const rows = startupToRows(b.record, 1)
      expect(podStartupInsert.safeParse(rows.startup).success).toBe(true)
      for (const p of rows.pulls) expect(imagePullInsert.safeParse(p).success).toBe(true)
    }
    // The unbounded one does not: the schemas are a real check.
    expect(podStartupInsert.safeParse(startupToRows(extreme, 1).startup).success).toBe(false)
  })
})
