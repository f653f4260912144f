import { describe, expect, it } from 'vitest'
import { validateStartupRecord } from './validate.ts'

// Written out by hand (not built with the code under test): a ready Deployment pod with one pull.
const record = {
  schemaVersion: 1,
  cluster: 'prod',
  uid: '0b7c2f7e-9d1a-4f4e-8a55-3c1f0f2a9e01',
  namespace: 'shop',
  pod: 'checkout-6c9d-abcde',
  node: 'node-1',
  workload: { kind: 'Deployment', name: 'checkout' },
  createdAt: '2025-05-01T12:00:00.000Z',
  readyAt: '2025-05-01T12:00:09.500Z',
  outcome: 'ready',
  outcomeReason: null,
  totalMs: 9500,
  phases: {
    scheduling: 40,
    sandbox: 900,
    init: 0,
    pullWait: 1200,
    pull: 5400,
    download: 1500,
    decompress: 3900,
    start: 460,
    ready: 1500,
  },
  boundaries: {
    created: { at: '2025-05-01T12:00:00.000Z', source: 'watch' },
    scheduled: { at: '2025-05-01T12:00:00.040Z', source: 'event-time', precisionMs: 1 },
    ready: null,
  },
  pulls: [
    {
      container: 'app',
      init: false,
      image: 'registry.example/checkout:3',
      startedAt: '2025-05-01T12:00:02.140Z',
      pullMs: 5400,
      waitMs: 1200,
      sizeBytes: 412000000,
      sizeKind: 'compressed',
      cached: false,
      attempts: 1,
      outcome: 'ok',
      downloadMs: 1500,
      decompressMs: 3900,
      splitMethod: 'size-model',
    },
  ],
}

// biome-ignore lint/suspicious/noExplicitAny: tests break the record on purpose
const clone = (): any => structuredClone(record)

describe('startup record JSON Schema', () => {
  it('accepts a hand-written record', () => {
    expect(validateStartupRecord(record)).toEqual({ ok: true, errors: [] })
  })

  it('accepts 0 and null durations alike (0 is a measurement, null is no evidence)', () => {
    const r = clone()
    r.phases.init = 0
    r.phases.scheduling = null
    r.pulls[0].pullMs = 0
    r.pulls[0].waitMs = null
    expect(validateStartupRecord(r).ok).toBe(true)
  })

  it('rejects a missing required field, naming it', () => {
    const r = clone()
    delete r.outcome
    const v = validateStartupRecord(r)
    expect(v.ok).toBe(false)
    expect(v.errors.join('\n')).toContain("must have required property 'outcome'")
    const p = clone()
    delete p.phases.pullWait
    expect(validateStartupRecord(p).errors.join('\n')).toContain(
      "/phases must have required property 'pullWait'",
    )
  })

  it('rejects a negative duration', () => {
    const r = clone()
    r.phases.sandbox = -3
    expect(validateStartupRecord(r).errors).toContain('/phases/sandbox must be >= 0')
  })

  it('rejects a duration given as a string', () => {
    const r = clone()
    r.totalMs = '9500'
    expect(validateStartupRecord(r).errors).toContain('/totalMs must be integer,null')
  })

  it('rejects times without milliseconds or not in UTC', () => {
    for (const bad of ['2025-05-01T12:00:00Z', '2025-05-01T12:00:00.000+02:00', '2025-05-01 12:00:00.000']) {
      const r = clone()
      r.createdAt = bad
      const v = validateStartupRecord(r)
      expect(v.ok, bad).toBe(false)
      expect(v.errors[0]).toMatch(/^\/createdAt must match pattern/)
    }
  })

  it('rejects an unknown outcome and an unknown boundary source', () => {
    const r = clone()
    r.outcome = 'started'
    expect(validateStartupRecord(r).errors).toContain('/outcome must be equal to one of the allowed values')
    const b = clone()
    b.boundaries.created.source = 'guess'
    expect(validateStartupRecord(b).ok).toBe(false)
  })

  it('rejects unknown fields (the contract is closed)', () => {
    const r = clone()
    r.phases.warmup = 10
    expect(validateStartupRecord(r).errors.join('\n')).toContain('must NOT have additional properties')
  })
})
