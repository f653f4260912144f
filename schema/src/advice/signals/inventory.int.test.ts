// Inventory signals of the advice engine (latest image profiles, Always on digests) against the real store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alwaysPullOnDigest, imageProfilesLatest } from '../../queries/advice-inventory.ts'
import { isoToCh } from '../../rows/codec.ts'
import type { Querier } from '../../store/index.ts'
import { insertStartups } from '../../writes/startups.ts'
import { at, openMigratedStore, startup, WINDOW } from './fixture-store.ts'

let q: Querier
let cleanup: () => Promise<void>
const PINNED = `reg.example/api@sha256:${'a'.repeat(64)}`

function profile(measuredAtMs: number, gzipRate: number) {
  return {
    cluster: 'prod',
    reference: 'reg.example/big:1',
    registry: 'reg.example',
    repository: 'big',
    tag: '1',
    digest: `sha256:${'b'.repeat(64)}`,
    index_digest: '',
    platform: 'linux/amd64',
    measured_at: isoToCh(at(measuredAtMs)),
    host: 'h',
    host_cpus: 2,
    host_cpu_model: 'x',
    layer_digests: ['l1'],
    layer_media_types: ['application/vnd.oci.image.layer.v1.tar+gzip'],
    layer_compressed_bytes: [100],
    layer_uncompressed_bytes: [250],
    layer_entries: [10],
    layer_download_ms: [1],
    layer_inflate_ms: [{ gzip: 1 }],
    layer_extract_ms: [1],
    compressed_bytes: 100_000_000,
    uncompressed_bytes: 250_000_000,
    entries: 1000,
    files: 900,
    download_ms: 1000,
    extract_ms: 5000,
    download_bytes_per_sec: 100_000_000,
    inflate_bytes_per_sec: { gzip: gzipRate, pigz: 226_000_000 },
    extract_bytes_per_sec: 50_000_000,
    entries_per_sec: 200,
    zstd_decoder: 'zstd-cli',
    podstart_version: '0.1.0',
    profile_json: '{}',
    version: 1,
  }
}

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  await q.insert('image_profiles', [profile(-7_200_000, 150_000_000), profile(-3_600_000, 153_000_000)])
  const api = { kind: 'Deployment', name: 'api' }
  await q.insert('workload_images', [
    {
      cluster: 'prod',
      namespace: 'shop',
      workload_kind: 'Deployment',
      workload_name: 'api',
      container: 'api',
      init: false,
      image: PINNED,
      pull_policy: 'Always',
      immutable_reference: true,
      last_seen_at: at(0),
      version: 1,
    },
    // Always on a mutable tag and IfNotPresent on a digest are not this signal's business.
    {
      cluster: 'prod',
      namespace: 'shop',
      workload_kind: 'Deployment',
      workload_name: 'web',
      container: 'web',
      init: false,
      image: 'reg.example/web:latest',
      pull_policy: 'Always',
      immutable_reference: false,
      last_seen_at: at(0),
      version: 1,
    },
    {
      cluster: 'prod',
      namespace: 'shop',
      workload_kind: 'Deployment',
      workload_name: 'db',
      container: 'db',
      init: false,
      image: `reg.example/db@sha256:${'c'.repeat(64)}`,
      pull_policy: 'IfNotPresent',
      immutable_reference: true,
      last_seen_at: at(0),
      version: 1,
    },
  ])
  const pull = (pullMs: number, startedAtMs: number, waitMs = 0) => ({
    image: PINNED,
    pullMs,
    waitMs,
    startedAtMs,
  })
  await insertStartups(
    q,
    [
      // node-a pulls three times (first 5000 then two repeats of 300 and 400+100 wait); node-b once.
      startup({ uid: 'a1', workload: api, node: 'node-a', createdAtMs: 0, pulls: [pull(5000, 0)] }),
      startup({ uid: 'a2', workload: api, node: 'node-a', createdAtMs: 60_000, pulls: [pull(300, 60_000)] }),
      startup({
        uid: 'a3',
        workload: api,
        node: 'node-a',
        createdAtMs: 120_000,
        pulls: [pull(400, 120_000, 100)],
      }),
      startup({ uid: 'b1', workload: api, node: 'node-b', createdAtMs: 30_000, pulls: [pull(4000, 30_000)] }),
    ],
    1,
  )
})
afterAll(async () => cleanup?.())

describe('imageProfilesLatest', () => {
  it('returns the newest measurement per reference and digest with rates per tool', async () => {
    const rows = await imageProfilesLatest(q)({ cluster: 'prod' })
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      reference: 'reg.example/big:1',
      measuredAt: at(-3_600_000),
      compressedBytes: 100_000_000,
      uncompressedBytes: 250_000_000,
      inflateBytesPerSec: { gzip: 153_000_000, pigz: 226_000_000 },
      extractBytesPerSec: 50_000_000,
      layerMediaTypes: ['application/vnd.oci.image.layer.v1.tar+gzip'],
    })
    expect(await imageProfilesLatest(q)({ cluster: 'other' })).toEqual([])
  })
})

describe('alwaysPullOnDigest', () => {
  it('lists Always on digests with the cost of pulls repeated on a node', async () => {
    const rows = await alwaysPullOnDigest(q)({ ...WINDOW, cluster: 'prod' })
    expect(rows).toEqual([
      {
        cluster: 'prod',
        namespace: 'shop',
        workload: { kind: 'Deployment', name: 'api' },
        container: 'api',
        init: false,
        image: PINNED,
        pulls: 4,
        repeatPulls: 2,
        // 300 + (400 + 100)
        repeatMs: 800,
        // The nearest-rank p90 of [300, 500]: rank ceil(0.9 * 2) = 2
        repeatP90Ms: 500,
      },
    ])
  })
})
