// The pods behind findings (findingPods) against the real embedded store: every kind of scope at once, rows that
// meet one finding's values but another's dimensions, a startup rewritten out of a scope, pods with no time in the
// phases. Expected figures are worked out here from the fixtures, not read back from the query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { at, openMigratedStore, type StartupSpec, startup, WINDOW } from '../advice/signals/fixture-store.ts'
import type { Querier } from '../store/index.ts'
import { insertStartups } from '../writes/startups.ts'
import { type FindingPodsInput, findingPods } from './advice-evidence.ts'

let q: Querier
let cleanup: () => Promise<void>

const img = (name: string) => ({ image: `registry.example/${name}:1` })
const specs: StartupSpec[] = [
  // shop / checkout on node-a pulling api; 3 s pull wait + 5 s pull.
  {
    uid: 'a1',
    namespace: 'shop',
    node: 'node-a',
    phases: { pullWait: 3000, pull: 5000 },
    pulls: [img('api')],
  },
  {
    uid: 'a2',
    namespace: 'shop',
    node: 'node-b',
    phases: { pullWait: 1000, pull: 2000 },
    pulls: [img('api')],
  },
  // Same namespace, another image: in the shop x api finding's namespace, not its image.
  { uid: 'a3', namespace: 'shop', node: 'node-a', phases: { pull: 9000 }, pulls: [img('web')] },
  // Another namespace with api: in its image, not its namespace.
  {
    uid: 'b1',
    namespace: 'blog',
    node: 'node-b',
    phases: { pull: 7000, scheduling: 4000 },
    pulls: [img('api')],
  },
  { uid: 'b2', namespace: 'blog', node: 'node-c', phases: { scheduling: 6000 }, pulls: [] },
  // No time in the pull phases: never counted by a pull finding, counted by a scheduling one.
  { uid: 'b3', namespace: 'blog', node: 'node-a', phases: { scheduling: 500 }, pulls: [img('api')] },
  // Another cluster, same names.
  {
    uid: 'x1',
    cluster: 'edge',
    namespace: 'shop',
    node: 'node-a',
    phases: { pull: 11_000 },
    pulls: [img('api')],
  },
  // Rewritten below: version 1 pulls api in shop, version 2 pulls web (only version 2 counts).
  { uid: 'r1', namespace: 'shop', node: 'node-c', phases: { pull: 20_000 }, pulls: [img('api')] },
  // Outside the window.
  {
    uid: 'o1',
    namespace: 'shop',
    node: 'node-a',
    createdAtMs: -2 * 3_600_000,
    phases: { pull: 50_000 },
    pulls: [img('api')],
  },
]

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  await insertStartups(
    q,
    specs.map((s, i) => startup({ ...s, createdAtMs: s.createdAtMs ?? i * 60_000 })),
    1,
  )
  const r1 = specs.find((s) => s.uid === 'r1') as StartupSpec
  await insertStartups(q, [startup({ ...r1, createdAtMs: 7 * 60_000, pulls: [img('web')] })], 2)
})

afterAll(async () => {
  await cleanup()
})

const API = 'registry.example/api:1'
const WEB = 'registry.example/web:1'
const findings: FindingPodsInput['findings'] = [
  { cluster: 'prod', namespace: 'shop', image: API, phases: ['pullWait', 'pull'] }, // a1, a2
  { cluster: 'prod', namespace: 'shop', image: WEB, phases: ['pull'] }, // a3, r1 (version 2)
  { cluster: 'prod', namespace: 'blog', image: WEB, phases: ['pull'] }, // none
  { cluster: 'prod', image: API, phases: ['pull'] }, // a1, a2, b1
  { cluster: 'prod', node: 'node-a', phases: ['scheduling'] }, // b3
  { cluster: 'prod', namespace: 'blog', phases: ['scheduling'] }, // b1, b2, b3
  { cluster: 'prod', workload: 'checkout', node: 'node-c', phases: ['pull'] }, // r1
  { cluster: 'edge', phases: ['pull'] }, // x1
  { cluster: 'prod', phases: ['pullWait'] }, // a1, a2
]
const expected = [
  { count: 2, lostMs: 8000 + 3000, slowest: ['a1', 'a2'] },
  { count: 2, lostMs: 9000 + 20_000, slowest: ['r1', 'a3'] },
  { count: 0, lostMs: 0, slowest: [] },
  { count: 3, lostMs: 5000 + 2000 + 7000, slowest: ['b1', 'a1', 'a2'] },
  { count: 1, lostMs: 500, slowest: ['b3'] },
  { count: 3, lostMs: 4000 + 6000 + 500, slowest: ['b2', 'b1', 'b3'] },
  { count: 1, lostMs: 20_000, slowest: ['r1'] },
  { count: 1, lostMs: 11_000, slowest: ['x1'] },
  { count: 2, lostMs: 4000, slowest: ['a1', 'a2'] },
]

describe('findingPods', () => {
  it('counts, sums and ranks each finding over only its own scope, latest versions, window', async () => {
    const rows = await findingPods(q)({ ...WINDOW, findings })
    expect(
      rows.map((r) => ({ count: r.count, lostMs: r.lostMs, slowest: r.slowest.map((s) => s.uid) })),
    ).toEqual(expected)
    expect(rows[1]?.slowest[0]).toMatchObject({
      cluster: 'prod',
      namespace: 'shop',
      pod: 'pod-r1',
      ms: 20_000,
    })
  })

  it('gives each finding the same answer asked alone as asked with the others', async () => {
    for (const [i, f] of findings.entries()) {
      const [alone] = await findingPods(q)({ ...WINDOW, findings: [f] })
      expect({ i, count: alone?.count, lostMs: alone?.lostMs }).toEqual({
        i,
        count: expected[i]?.count,
        lostMs: expected[i]?.lostMs,
      })
    }
  })

  it('counts a startup before the window once the window includes it', async () => {
    const [row] = await findingPods(q)({
      from: at(-3 * 3_600_000),
      to: WINDOW.to,
      findings: [{ cluster: 'prod', namespace: 'shop', image: API, phases: ['pull'] }],
    })
    expect(row).toMatchObject({ count: 3, lostMs: 5000 + 2000 + 50_000 })
  })
})
