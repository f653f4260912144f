// profile-image --store: the row lands in image_profiles (migration 0002) of an embedded store, values as measured.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ImageProfile } from '@podstart/collector/pulls'
import { createQuerier, migrate, openStore, storeConfigFromEnv } from '@podstart/schema/store'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { z } from 'zod'
import { runPodstart } from '../support/process.ts'
import {
  buildLayerTar,
  compressLayer,
  type PushedImage,
  pushImage,
  type RunningRegistry,
  startRegistry,
} from '../support/registry.ts'

let reg: RunningRegistry
let image: PushedImage
let dataDir: string

beforeAll(async () => {
  reg = await startRegistry()
  image = await pushImage(reg, 'team/stored', 'v1', [
    compressLayer(buildLayerTar({ small: 200, large: 1, largeBytes: 1_000_000, seed: 21 }), 'gzip'),
    compressLayer(buildLayerTar({ small: 100, large: 0, largeBytes: 0, seed: 22 }), 'none'),
  ])
  dataDir = mkdtempSync(join(tmpdir(), 'podstart-store-e2e-'))
})

afterAll(async () => {
  await reg?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

const cli = (args: string[]) =>
  runPodstart(args, { env: { PODSTART_DATA_DIR: dataDir, CLICKHOUSE_URL: '' }, timeoutMs: 180_000 })

it('refuses to store before migration 0002, then stores the measured row after it', async () => {
  const ref = `${reg.host}/team/stored:v1`
  const before = await cli(['profile-image', ref, '--json', '--store', '--cluster', 'c1'])
  expect(before.code).toBe(1)
  expect(before.stderr).toContain('run "podstart migrate" first')

  const config = storeConfigFromEnv({ PODSTART_DATA_DIR: dataDir })
  let store = await openStore(config)
  await migrate(store)
  await store.close()

  const r = await cli(['profile-image', ref, '--json', '--store', '--cluster', 'c1'])
  expect(r.stderr).toContain('stored in image_profiles')
  expect(r.code).toBe(0)
  const profile = JSON.parse(r.stdout) as ImageProfile

  store = await openStore(config)
  try {
    const rows = await createQuerier(store).query(
      'test_image_profile',
      `SELECT digest, platform, layer_compressed_bytes, layer_uncompressed_bytes, layer_entries, entries,
              download_bytes_per_sec, inflate_bytes_per_sec, extract_bytes_per_sec, host, profile_json
       FROM image_profiles FINAL WHERE cluster = {cluster: String}`,
      { cluster: 'c1' },
      z.object({
        digest: z.string(),
        platform: z.string(),
        layer_compressed_bytes: z.array(z.coerce.number()),
        layer_uncompressed_bytes: z.array(z.coerce.number()),
        layer_entries: z.array(z.coerce.number()),
        entries: z.coerce.number(),
        download_bytes_per_sec: z.number(),
        inflate_bytes_per_sec: z.record(z.string(), z.number()),
        extract_bytes_per_sec: z.number(),
        host: z.string(),
        profile_json: z.string(),
      }),
    )
    expect(rows).toHaveLength(1)
    const row = rows[0]!
    expect(row.digest).toBe(image.manifestDigest)
    expect(row.platform).toBe(profile.platform)
    expect(row.layer_compressed_bytes).toEqual(image.layers.map((l) => l.blob.length))
    expect(row.layer_uncompressed_bytes).toEqual(image.layers.map((l) => l.tar.length))
    expect(row.layer_entries).toEqual(image.layers.map((l) => l.entries))
    expect(row.entries).toBe(image.layers.reduce((s, l) => s + l.entries, 0))
    expect(row.download_bytes_per_sec).toBeCloseTo(profile.rates.downloadBytesPerSec, 3)
    expect(Object.keys(row.inflate_bytes_per_sec).sort()).toEqual(
      Object.keys(profile.rates.inflateBytesPerSec).sort(),
    )
    expect(row.extract_bytes_per_sec).toBeGreaterThan(0)
    expect((JSON.parse(row.profile_json) as ImageProfile).measuredAt).toBe(profile.measuredAt)
  } finally {
    await store.close()
  }
})
