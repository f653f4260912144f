// Splits through the real store: a simulated history imported with size-model splits, a profile stored for one
// image, its pulls recomputed as 'profile' (hand arithmetic), then a containerd log turning one pull 'measured'.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { countStartups, startupByUid } from '@podstart/schema/queries'
import type { StartupRecord } from '@podstart/schema/record'
import { createQuerier, migrate, openStore, type Querier, type Store } from '@podstart/schema/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { importContainerdLog, importDumps } from '../ingest/import-dumps.ts'
import { generateHistory } from '../sim/index.ts'
import { storeImageProfile } from './profile/store-row.ts'
import { resplitStored } from './resplit.ts'
import { testProfile } from './split-sources.fixture.ts'

const CLUSTER = 'sim'
const IMAGE = 'registry.local/shop/frontend:3.2.0'
const dir = mkdtempSync(join(tmpdir(), 'podstart-splits-'))
let store: Store
let q: Querier
let truth: StartupRecord[]

beforeAll(async () => {
  const lines: string[] = []
  ;({ truth } = generateHistory(
    {
      seed: 5,
      scenario: 'mixed',
      days: 0.25,
      podsPerHour: 120,
      endAtMs: Date.now() - 3_600_000,
      cluster: CLUSTER,
    },
    (l) => lines.push(JSON.stringify(l)),
  ))
  writeFileSync(join(dir, 'history.ndjson'), `${lines.join('\n')}\n`)
  store = await openStore({ dataDir: join(dir, 'store'), database: 'podstart' })
  await migrate(store, { log: () => undefined })
  q = createQuerier(store)
  await importDumps([join(dir, 'history.ndjson')], q, { cluster: CLUSTER, quiet: true })
}, 120_000)
afterAll(async () => {
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

const pullRow = z.object({
  uid: z.string(),
  node: z.string().nullable(),
  container: z.string(),
  started_at: z.string().nullable(),
  pull_ms: z.number().nullable(),
  download_ms: z.number().nullable(),
  decompress_ms: z.number().nullable(),
  split_method: z.string().nullable(),
})
const framePulls = () =>
  q.query(
    'test.pulls',
    `SELECT uid, node, container, toString(started_at) AS started_at, pull_ms, download_ms, decompress_ms, split_method
     FROM image_pulls FINAL WHERE cluster = {c:String} AND image = {image:String} AND NOT cached AND outcome = 'ok'
     ORDER BY uid, container`,
    { c: CLUSTER, image: IMAGE },
    pullRow,
  )

describe('stored splits follow profiles and measurements', () => {
  it('imports with size-model splits, then a stored profile re-splits that image only, each startup once', async () => {
    const startups = await countStartups(q)({ cluster: CLUSTER })
    expect(startups).toBeGreaterThan(10)
    const before = await framePulls()
    expect(before.length).toBeGreaterThan(2)
    // Kubelets before 1.30 state no image size: those pulls have no split until a profile gives the sizes.
    expect(before.some((p) => p.split_method === 'size-model')).toBe(true)
    expect(before.every((p) => p.split_method === 'size-model' || p.split_method === null)).toBe(true)

    // One gzip layer: 300 MB uncompressed, GNU gzip 2 s (150 MB/s), extract 6 s (50 MB/s) -> 8000 ms to unpack.
    const digest = truth.flatMap((t) => t.pulls).find((p) => p.image === IMAGE)?.imageDigest as string
    const profile = testProfile({ reference: IMAGE, digest })
    await storeImageProfile(q, profile, CLUSTER)
    const summary = await resplitStored(q, { cluster: CLUSTER, references: [IMAGE], quiet: true })
    expect(summary.byMethod.profile).toBe(before.length)

    const after = await framePulls()
    expect(after).toHaveLength(before.length)
    for (const p of after) {
      const pull = p.pull_ms as number
      // Capped at the pull; a pull under 8000 / 8 ms unpacked nothing (the layers were there).
      const decompress = 8000 > 8 * pull ? 0 : Math.min(pull, 8000)
      expect([p.split_method, p.decompress_ms, p.download_ms]).toEqual([
        'profile',
        decompress,
        pull - decompress,
      ])
    }
    expect(await countStartups(q)({ cluster: CLUSTER })).toBe(startups)

    // The startup's phases are the sums of its regular pulls.
    const one = after.find((p) => (p.decompress_ms as number) > 0) ?? after[0]
    const record = await startupByUid(q)({ cluster: CLUSTER, uid: one?.uid as string })
    const regular = record?.pulls.filter((p) => !p.init && !p.cached && p.outcome === 'ok') ?? []
    if (regular.every((p) => p.decompressMs !== null) && record?.phases.pull !== null)
      expect(record?.phases.decompress).toBe(
        Math.min(
          regular.reduce((n, p) => n + (p.decompressMs as number), 0),
          record?.phases.pull as number,
        ),
      )
    // Other images kept their size-model split.
    const others = await q.query(
      'test.others',
      `SELECT DISTINCT split_method FROM image_pulls FINAL
       WHERE cluster = {c:String} AND image != {image:String} AND split_method IS NOT NULL`,
      { c: CLUSTER, image: IMAGE },
      z.object({ split_method: z.string() }),
    )
    expect(others.map((r) => r.split_method)).toEqual(['size-model'])
  })

  it('a containerd log of one node makes the matching pull measured, and only that one', async () => {
    const pulls = await framePulls()
    const target = pulls.find((p) => (p.pull_ms as number) > 2000) as z.output<typeof pullRow>
    expect(target).toBeDefined()
    const start = Date.parse(`${(target.started_at as string).replace(' ', 'T')}Z`)
    const t = (ms: number) => new Date(start + ms).toISOString().replace('Z', '000000Z')
    const log = [
      `time="${t(100)}" level=debug msg="fetch" digest="${testProfile({}).layers[0]?.digest}"`,
      `time="${t(1500)}" level=debug msg="diff applied" d=1.2345s digest="${testProfile({}).layers[0]?.digest}" media=application/vnd.oci.image.layer.v1.tar+gzip size=100000000`,
      `time="${t(1900)}" level=info msg="something else"`,
    ].join('\n')
    writeFileSync(join(dir, 'containerd.log'), `${log}\n`)
    const s = await importContainerdLog(join(dir, 'containerd.log'), q, {
      cluster: CLUSTER,
      node: target.node as string,
    })
    expect(s).toMatchObject({ applies: 1, matchedPulls: 1, rewritten: 1, unmatched: 0, ambiguous: 0 })
    const after = await framePulls()
    const measured = after.filter((p) => p.split_method === 'measured')
    expect(measured).toEqual([
      {
        ...target,
        decompress_ms: 1235,
        download_ms: (target.pull_ms as number) - 1235,
        split_method: 'measured',
      },
    ])
    // A later profile resplit keeps the measurement.
    await resplitStored(q, { cluster: CLUSTER, references: [IMAGE], quiet: true })
    expect((await framePulls()).filter((p) => p.split_method === 'measured')).toHaveLength(1)
  })
})
