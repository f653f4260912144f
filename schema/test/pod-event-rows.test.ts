// podEventRowProblem decides what the row schema (podEventInsert) decides, for a fitting row and for every
// field broken in each way a forged event could break it.
import { describe, expect, it } from 'vitest'
import { podEventInsert } from '../src/rows/pod-events.ts'
import { podEventRowProblem } from '../src/writes/events.ts'

const row = {
  cluster: 'c',
  namespace: 'ns',
  uid: 'u',
  pod: 'p',
  event_name: 'p.18ef00bf93746e60',
  reason: 'Pulled',
  message: 'm',
  type: 'Normal',
  source_component: 'kubelet',
  field_path: '',
  count: 1,
  first_at: '2026-12-07 10:00:00.000',
  last_at: null,
  event_time: null,
  created_at: '2026-12-07 10:00:00.000',
  observed_at: '2026-12-07 10:00:01.500',
  version: 1_796_637_601_500,
}

const BAD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  0,
  -1,
  1.5,
  2 ** 32,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  {},
  [],
  '2026-12-07 10:00:00',
  '2026-12-07T10:00:00.000Z',
  '2026-12-07 10:00:00.000 ',
  ' 2026-12-07 10:00:00.000',
  '2026-12-07 10:00:00.000\n',
]

describe('podEventRowProblem', () => {
  it('passes a fitting row', () => {
    expect(podEventRowProblem(row)).toBeNull()
    expect(podEventRowProblem({ ...row, count: 4_294_967_295, version: 0, field_path: 'x' })).toBeNull()
  })

  it('agrees with the row schema on every field set to every broken value', () => {
    let refused = 0
    for (const key of Object.keys(row)) {
      for (const value of BAD_VALUES) {
        const candidate = { ...row, [key]: value } as typeof row
        const schemaSays = podEventInsert.safeParse(candidate).success
        const problem = podEventRowProblem(candidate)
        expect(problem === null, `${key} = ${JSON.stringify(value)}`).toBe(schemaSays)
        if (problem !== null) {
          refused++
          expect(problem).toContain(key)
        }
      }
    }
    expect(refused).toBeGreaterThan(200)
  })
})
