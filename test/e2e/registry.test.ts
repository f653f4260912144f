// The image profiler against a real registry (Debian docker-registry): sizes, entries, platforms, auth, errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type ImageProfile,
  profileImage,
  profileToSplitInputs,
  RegistryError,
} from '@podstart/collector/pulls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runPodstart } from '../support/process.ts'
import {
  buildLayerTar,
  compressLayer,
  manifestSize,
  type PushedImage,
  pushImage,
  pushIndex,
  type RunningRegistry,
  startRegistry,
  type TestLayer,
} from '../support/registry.ts'
import { type BearerFront, startBearerFront } from '../support/registry-front.ts'

const amd64 = { os: 'linux', architecture: 'amd64' }
const user = { username: 'puller', password: 'S3cret-pass-4d9f' }

const runCli = (args: string[], env: Record<string, string> = {}) =>
  runPodstart(args, { env, timeoutMs: 120_000 })

let open: RunningRegistry
let priv: RunningRegistry
let front: BearerFront
let app: PushedImage
let legacy: PushedImage
let multiAmd: PushedImage
let multiArm: PushedImage
let privImage: PushedImage
let work: string

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'podstart-registry-e2e-'))
  open = await startRegistry()
  priv = await startRegistry({ user })
  // Many small files, a few large ones, and a mix; one layer per compression.
  const small = buildLayerTar({ small: 1500, large: 0, largeBytes: 0, seed: 1 })
  const large = buildLayerTar({ small: 0, large: 3, largeBytes: 6_000_000, seed: 2 })
  const mixed = buildLayerTar({ small: 300, large: 1, largeBytes: 4_000_000, seed: 3 })
  const layers: TestLayer[] = [
    compressLayer(small, 'gzip'),
    compressLayer(large, 'zstd'),
    compressLayer(mixed, 'none'),
  ]
  app = await pushImage(open, 'team/app', 'v1', layers)
  legacy = await pushImage(open, 'team/legacy', 'v1', [compressLayer(mixed, 'gzip', 'docker')], {
    flavour: 'docker',
  })
  multiAmd = await pushImage(open, 'team/multi', 'amd64-only', [compressLayer(small, 'gzip')])
  multiArm = await pushImage(open, 'team/multi', 'arm64-only', [compressLayer(mixed, 'gzip')], {
    architecture: 'arm64',
    variant: 'v8',
  })
  await pushIndex(open, 'team/multi', 'v1', [
    { digest: multiAmd.manifestDigest, size: await manifestSize(open, 'team/multi', 'amd64-only'), ...amd64 },
    {
      digest: multiArm.manifestDigest,
      size: await manifestSize(open, 'team/multi', 'arm64-only'),
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
    },
  ])
  privImage = await pushImage(priv, 'private/app', 'v1', [compressLayer(small, 'gzip')], { user })
  front = await startBearerFront(open, user, { breakBlobAfter: 200_000 })
})

afterAll(async () => {
  await front?.stop()
  await open?.stop()
  await priv?.stop()
  if (work) rmSync(work, { recursive: true, force: true })
})

function expectLayersMatch(profile: ImageProfile, pushed: PushedImage): void {
  expect(profile.layers.map((l) => l.digest)).toEqual(pushed.layers.map((l) => l.digest))
  for (const [i, l] of profile.layers.entries()) {
    const truth = pushed.layers[i]!
    expect(l.compressedBytes).toBe(truth.blob.length)
    expect(l.uncompressedBytes).toBe(truth.tar.length)
    expect(l.entries).toBe(truth.entries)
    expect(l.compression).toBe(truth.compression)
  }
  expect(profile.totals.compressedBytes).toBe(pushed.layers.reduce((s, l) => s + l.blob.length, 0))
  expect(profile.totals.uncompressedBytes).toBe(pushed.layers.reduce((s, l) => s + l.tar.length, 0))
}

describe('profile-image against docker-registry', () => {
  it('measures sizes and tar entries equal to what was pushed, for gzip, zstd and uncompressed layers', async () => {
    const profile = await profileImage(`${open.host}/team/app:v1`, {
      platform: amd64,
      podstartVersion: 'test',
    })
    expect(profile.digest).toBe(app.manifestDigest)
    expect(profile.reference).toBe(`${open.host}/team/app:v1`)
    expectLayersMatch(profile, app)
    const [gz, zst, raw] = profile.layers
    expect(gz!.inflate.map((t) => t.tool).sort()).toEqual(['gzip', 'node-zlib', 'pigz', 'zstd-recompressed'])
    expect(gz!.zstdRecompressedBytes).toBeGreaterThan(0)
    expect(zst!.inflate.map((t) => t.tool)).toEqual(['zstd'])
    expect(profile.zstdDecoder).toBe('zstd-cli')
    expect(raw!.inflate).toEqual([])
    for (const l of profile.layers) {
      expect(l.download.ms).toBeGreaterThan(0)
      expect(l.extract.ms).toBeGreaterThan(0)
      expect(l.extract.skipped).toBe(0)
      for (const t of l.inflate) expect(t.bytesPerSec).toBeGreaterThan(0)
    }
    // Files on disk hold exactly the bytes of the tar's regular files (all tar overhead excluded).
    expect(gz!.files).toBe(1500)
    const split = profileToSplitInputs(profile)
    expect(split.compressedBytes).toBe(profile.totals.compressedBytes)
    expect(split.rates.compressionRatio).toBeCloseTo(
      profile.totals.uncompressedBytes / profile.totals.compressedBytes,
      6,
    )
    expect(split.rates.inflateBytesPerSec).toBeGreaterThan(0)
    console.log(
      `[registry e2e] rates MB/s: download ${(profile.rates.downloadBytesPerSec / 1e6).toFixed(0)}, ` +
        Object.entries(profile.rates.inflateBytesPerSec)
          .map(([k, v]) => `${k} ${((v ?? 0) / 1e6).toFixed(0)}`)
          .join(', ') +
        `, extract ${(profile.rates.extractBytesPerSec / 1e6).toFixed(0)} (${profile.totals.entries} entries)`,
    )
  })

  it('reads Docker v2 manifests and docker rootfs.diff.tar.gzip layers', async () => {
    const profile = await profileImage(`${open.host}/team/legacy:v1`, {
      platform: amd64,
      podstartVersion: 'test',
    })
    expect(profile.digest).toBe(legacy.manifestDigest)
    expect(profile.layers[0]!.mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip')
    expectLayersMatch(profile, legacy)
  })

  it('picks the platform manifest from a multi-arch index, with variant', async () => {
    const arm = await profileImage(`${open.host}/team/multi:v1`, {
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      podstartVersion: 'test',
    })
    expect(arm.digest).toBe(multiArm.manifestDigest)
    expect(arm.platform).toBe('linux/arm64/v8')
    expect(arm.indexDigest).toMatch(/^sha256:/)
    expectLayersMatch(arm, multiArm)
    const amd = await profileImage(`${open.host}/team/multi:v1`, { platform: amd64, podstartVersion: 'test' })
    expect(amd.digest).toBe(multiAmd.manifestDigest)
    expectLayersMatch(amd, multiAmd)
    await expect(
      profileImage(`${open.host}/team/multi:v1`, {
        platform: { os: 'linux', architecture: 's390x' },
        podstartVersion: 't',
      }),
    ).rejects.toThrow(
      /no manifest for platform linux\/s390x \(the index offers linux\/amd64, linux\/arm64\/v8\)/,
    )
  })

  it('prints the documented JSON shape and a plain progress line when stderr is not a terminal', async () => {
    const r = await runCli([
      'profile-image',
      `${open.host}/team/app:v1`,
      '--json',
      '--platform',
      'linux/amd64',
    ])
    expect(r.stderr).toContain('profile-image: resolving manifest')
    expect(r.code).toBe(0)
    const p = JSON.parse(r.stdout) as ImageProfile
    expect(Object.keys(p).sort()).toEqual(
      [
        'version',
        'input',
        'reference',
        'registry',
        'repository',
        'tag',
        'digest',
        'indexDigest',
        'platform',
        'measuredAt',
        'host',
        'podstartVersion',
        'zstdDecoder',
        'tools',
        'layers',
        'totals',
        'rates',
        'scenarios',
      ].sort(),
    )
    expect(p.version).toBe(1)
    expect(p.digest).toBe(app.manifestDigest)
    expect(p.layers.map((l) => l.entries)).toEqual(app.layers.map((l) => l.entries))
    expect(p.scenarios.map((s) => s.id)).toEqual([
      'as-pushed-gunzip',
      'as-pushed-pigz',
      'as-zstd',
      'uncompressed-layers',
      'lazy',
    ])
    for (const s of p.scenarios) expect(s.totalMs).toBeCloseTo(s.downloadMs + s.inflateMs + s.extractMs, 6)
    const table = await runCli(['profile-image', `${open.host}/team/app:v1`])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/total\s+.*MB/)
    expect(table.stdout).toContain('decompress = inflate + extract')
  })

  it('authenticates with basic auth from a docker config.json and from a dockerconfigjson pull secret', async () => {
    const ref = `${priv.host}/private/app:v1`
    const anonymous = await profileImage(ref, { platform: amd64, podstartVersion: 't' }).catch(
      (e: unknown) => e,
    )
    expect(anonymous).toBeInstanceOf(RegistryError)
    expect((anonymous as RegistryError).message).toMatch(
      new RegExp(`${ref.replace(/[.]/g, '\\.')}: manifest v1 failed: HTTP 401`),
    )
    expect((anonymous as RegistryError).message).toContain('UNAUTHORIZED')

    const auth = Buffer.from(`${user.username}:${user.password}`).toString('base64')
    const dockerConfig = join(work, 'config.json')
    writeFileSync(dockerConfig, JSON.stringify({ auths: { [`http://${priv.host}/v2/`]: { auth } } }))
    const viaConfig = await runCli(['profile-image', ref, '--json', '--docker-config', dockerConfig])
    expect(viaConfig.code).toBe(0)
    const p = JSON.parse(viaConfig.stdout) as ImageProfile
    expect(p.digest).toBe(privImage.manifestDigest)
    expect(p.layers[0]!.entries).toBe(privImage.layers[0]!.entries)

    const secret = join(work, 'secret.yaml')
    const dcj = Buffer.from(
      JSON.stringify({ auths: { [priv.host]: { username: user.username, password: user.password } } }),
    )
    writeFileSync(
      secret,
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${dcj.toString('base64')}\n`,
    )
    const viaSecret = await runCli(['profile-image', ref, '--json', '--pull-secret', secret])
    expect(viaSecret.code).toBe(0)
    expect((JSON.parse(viaSecret.stdout) as ImageProfile).digest).toBe(privImage.manifestDigest)
  })

  it('a wrong password fails naming the reference and the registry answer, with no secret in any output', async () => {
    const wrong = 'Wrong-pass-77a1'
    const cfg = join(work, 'wrong.json')
    const auth = Buffer.from(`${user.username}:${wrong}`).toString('base64')
    writeFileSync(cfg, JSON.stringify({ auths: { [priv.host]: { auth } } }))
    const r = await runCli(['profile-image', `${priv.host}/private/app:v1`, '--docker-config', cfg])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`${priv.host}/private/app:v1`)
    expect(r.stderr).toMatch(/HTTP 401 \(UNAUTHORIZED/)
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain(wrong)
      expect(out).not.toContain(auth)
    }
    // Through the bearer front: the token service refuses, and neither the password nor a token leaks.
    const b = await runCli(['profile-image', `${front.host}/team/app:v1`, '--docker-config', cfg])
    expect(b.code).toBe(1)
    expect(b.stderr).toMatch(
      /token request to 127\.0\.0\.1:\d+ failed: HTTP 401 \(UNAUTHORIZED: token service: bad credentials\)/,
    )
    expect(b.stderr + b.stdout).not.toContain(wrong)
    expect(b.stderr + b.stdout).not.toContain(auth)
  })

  it('an unknown tag names the reference and the registry error code', async () => {
    const r = await runCli(['profile-image', `${open.host}/team/app:nope`])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      `${open.host}/team/app:nope: manifest nope failed: HTTP 404 (MANIFEST_UNKNOWN: manifest unknown`,
    )
    const missingRepo = await profileImage(`${open.host}/team/absent:v1`, {
      platform: amd64,
      podstartVersion: 't',
    }).catch((e: Error) => e)
    expect((missingRepo as Error).message).toMatch(
      /team\/absent:v1: manifest v1 failed: HTTP 404 \((NAME|MANIFEST)_UNKNOWN/,
    )
  })

  it('bearer token flow: token with basic creds, blob redirect to another origin without the token, Range resume', async () => {
    const profile = await profileImage(`${front.host}/team/app:v1`, {
      platform: amd64,
      credentials: user,
      podstartVersion: 'test',
    })
    expect(profile.digest).toBe(app.manifestDigest)
    expectLayersMatch(profile, app)
    expect(front.tokensIssued).toBeGreaterThanOrEqual(1)
    expect(front.storageAuthHeaders).toEqual([])
    // Every layer above 200 kB was cut once and resumed from where the bytes on disk stopped.
    expect(front.storageRanges.length).toBeGreaterThanOrEqual(3)
    expect(front.storageRanges.every((r) => /^bytes=\d+-$/.test(r))).toBe(true)
    expect(profile.layers.every((l) => l.download.resumes === 1)).toBe(true)
  })
})
