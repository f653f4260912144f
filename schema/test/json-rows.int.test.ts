// Rows encoded once (JsonRows) land as the same rows as objects do, through the embedded engine's raw insert and
// through the statement-and-body path a server takes; a row the engine refuses fails as a data error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  createQuerier,
  isRetryableWriteError,
  JsonRows,
  type Querier,
  type Store,
} from '../src/store/index.ts'
import { openMigratedStore } from './fixtures/temp-store.ts'

let held: { store: Store; q: Querier; cleanup(): Promise<void> }
beforeAll(async () => {
  held = await openMigratedStore()
}, 120_000)
afterAll(async () => held?.cleanup())

const event = (name: string, message: string) => ({
  cluster: 'json-rows',
  namespace: 'ns',
  uid: 'u-1',
  pod: 'p-1',
  event_name: name,
  reason: 'Pulled',
  message,
  type: 'Normal',
  source_component: 'kubelet',
  field_path: 'spec.containers{app}',
  count: 2,
  first_at: '2026-12-07 10:00:00.000',
  last_at: null,
  event_time: '2026-12-07 10:00:01.250',
  created_at: '2026-12-07 10:00:00.000',
  observed_at: '2026-12-07 10:00:01.500',
  version: 1_796_637_601_500,
})

const stored = z.object({
  event_name: z.string(),
  message: z.string(),
  count: z.number(),
  last_at: z.string().nullable(),
  event_time: z.string().nullable(),
  version: z.string(),
})

async function read(q: Querier, prefix: string) {
  return q.query(
    'test.jsonRows',
    `SELECT event_name, message, count, last_at, event_time, toString(version) AS version FROM pod_events
     WHERE cluster = 'json-rows' AND startsWith(event_name, {p:String}) ORDER BY event_name`,
    { p: prefix },
    stored,
  )
}

describe('JsonRows inserts', () => {
  it('the raw embedded insert stores what the object insert stores, text escapes and nulls included', async () => {
    expect(held.store.rawInsert).toBeTypeOf('function')
    const message = 'Pulled "registry/app:1" in 1.2s\n\ttab \\ backslash é ☃ \u0001'
    await held.q.insert('pod_events', [event('a-obj', message)])
    await held.q.insert('pod_events', new JsonRows([JSON.stringify(event('a-raw', message))]))
    const rows = await read(held.q, 'a-')
    expect(rows).toHaveLength(2)
    const [obj, raw] = rows
    expect(raw).toEqual({ ...obj, event_name: 'a-raw' })
    expect(raw?.message).toBe(message)
    expect(raw).toMatchObject({
      count: 2,
      last_at: null,
      event_time: '2026-12-07 10:00:01.250',
      version: '1796637601500',
    })
  })

  it('the statement-and-body path (a server) stores the same rows', async () => {
    const serverLike = createQuerier({ ...held.store, rawInsert: undefined })
    const lines = [JSON.stringify(event('b-1', 'one')), JSON.stringify(event('b-2', 'two'))]
    await serverLike.insert('pod_events', new JsonRows(lines))
    expect((await read(held.q, 'b-')).map((r) => [r.event_name, r.message])).toEqual([
      ['b-1', 'one'],
      ['b-2', 'two'],
    ])
  })

  it('lines given as UTF-8 bytes (alone or mixed with strings) store the same rows, on both paths', async () => {
    const message = 'Pulled "registry/app:1" é ☃ \u0001\n'
    const serverLike = createQuerier({ ...held.store, rawInsert: undefined })
    for (const [q, p] of [
      [held.q, 'd-'],
      [serverLike, 'e-'],
    ] as const) {
      const rows = new JsonRows([
        Buffer.from(JSON.stringify(event(`${p}1`, message)), 'utf8'),
        JSON.stringify(event(`${p}2`, 'two')),
        Buffer.from(JSON.stringify(event(`${p}3`, 'three')), 'utf8'),
      ])
      expect(rows.objects().map((o) => (o as { event_name: string }).event_name)).toEqual([
        `${p}1`,
        `${p}2`,
        `${p}3`,
      ])
      await q.insert('pod_events', rows)
      expect((await read(held.q, p)).map((r) => [r.event_name, r.message])).toEqual([
        [`${p}1`, message],
        [`${p}2`, 'two'],
        [`${p}3`, 'three'],
      ])
    }
  })

  it('a row the engine cannot parse fails the insert as a data error (not retried), on both paths', async () => {
    const bad = JSON.stringify({ ...event('c-bad', 'x'), count: 'many' })
    for (const q of [held.q, createQuerier({ ...held.store, rawInsert: undefined })]) {
      const err = await q.insert('pod_events', new JsonRows([bad])).then(
        () => null,
        (e: Error) => e,
      )
      expect(err).toBeInstanceOf(Error)
      expect(isRetryableWriteError(err)).toBe(false)
    }
    expect(await read(held.q, 'c-')).toEqual([])
  })

  it('an empty set writes nothing and does not fail', async () => {
    await held.q.insert('pod_events', new JsonRows([]))
  })
})
