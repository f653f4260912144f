import type { StoredProfileRow } from '@podstart/schema/splits'
import { defaultSplitRates, NO_INFLATE_BYTES_PER_SEC, splitPull as storeSplit } from '@podstart/schema/splits'
import { describe, expect, it } from 'vitest'
import { splitOfPull } from '../lifecycle/pod-pulls.ts'
import type { ImageProfile } from './profile/types.ts'
import { testProfile } from './split-sources.fixture.ts'
import { digestOf, referenceSpellings, SplitSources } from './split-sources.ts'

const row = (p: ImageProfile): StoredProfileRow => ({
  reference: p.reference,
  digest: p.digest,
  index_digest: p.indexDigest ?? '',
  host: p.host.name,
  measured_at: p.measuredAt.replace('T', ' ').replace('Z', ''),
  profile_json: JSON.stringify(p),
})

describe('split sources', () => {
  it('finds a profile by digest (any imageID spelling, index or manifest), else by any spelling of the reference', () => {
    const s = new SplitSources('c')
    const p = testProfile({
      reference: 'docker.io/library/nginx:1.27',
      indexDigest: `sha256:${'1'.repeat(64)}`,
    })
    s.setProfiles([row(p)])
    expect(s.imageProfile('nginx:1.27', null)?.uncompressedBytes).toBe(300e6)
    expect(s.imageProfile('docker.io/library/nginx:1.27', null)).toBeDefined()
    expect(s.imageProfile('other:1', `docker.io/library/nginx@sha256:${'1'.repeat(64)}`)).toBeDefined()
    expect(s.imageProfile('other:1', `docker-pullable://x@${p.digest}`)).toBeDefined()
    expect(s.imageProfile('nginx:1.28', null)).toBeUndefined()
    expect(s.layersOf('nginx:1.27', null)).toEqual([`sha256:${'a'.repeat(64)}`])
    expect(s.profilesOf('nginx:1.27').digests.sort()).toEqual([p.digest, `sha256:${'1'.repeat(64)}`].sort())
  })

  it('a profile taken off the nodes gives GNU gzip rates; one on a node with pigz overlaps inflate with extract', () => {
    const off = new SplitSources('c')
    off.setProfiles([row(testProfile({}))])
    expect(off.imageProfile('registry.local/shop/frontend:3.2.0', null)?.rates).toMatchObject({
      inflateBytesPerSec: 150e6,
      extractBytesPerSec: 50e6,
    })
    const on = new SplitSources('c')
    on.noteNode({ node: 'node-1', runtime: 'containerd', pool: 'general', instance_type: 'm5.large' })
    on.setProfiles([row(testProfile({ host: { name: 'node-1', cpus: 4, cpuModel: 'x', os: 'linux' } }))])
    // pigz 200 MB/s is faster than the 50 MB/s extract: inflate hides behind it.
    expect(on.imageProfile('registry.local/shop/frontend:3.2.0', null)?.rates?.inflateBytesPerSec).toBe(
      NO_INFLATE_BYTES_PER_SEC,
    )
  })

  it('refines the rates of the node class a profile was measured on, and only that class', () => {
    const s = new SplitSources('c')
    s.noteNode({ node: 'node-1', runtime: 'containerd', pool: 'general', instance_type: 'm5.large' })
    s.noteNode({ node: 'node-2', runtime: 'containerd', pool: 'general', instance_type: 'm5.large' })
    s.noteNode({ node: 'node-3', runtime: 'containerd', pool: 'gpu', instance_type: 'p3' })
    s.setProfiles([
      row(
        testProfile({
          host: { name: 'node-1', cpus: 4, cpuModel: 'x', os: 'linux' },
          tools: { gzip: true, pigz: false, zstd: false },
        }),
      ),
    ])
    expect(s.splitRates('node-2', 'containerd')).toMatchObject({
      inflateBytesPerSec: 150e6,
      extractBytesPerSec: 50e6,
      compressionRatio: 3,
    })
    expect(s.splitRates('node-3', 'containerd')).toEqual(defaultSplitRates())
    expect(s.splitRates('unknown', 'cri-o')).toEqual(defaultSplitRates())
    expect(s.stats()).toMatchObject({ nodes: 3, profiles: 1, measuredClasses: 1 })
  })

  it('skips a stored profile whose JSON does not parse, and counts it', () => {
    const s = new SplitSources('c')
    s.setProfiles([{ ...row(testProfile({})), profile_json: '{"broken' }])
    expect(s.stats().unreadableProfiles).toBe(1)
    expect(s.imageProfile('registry.local/shop/frontend:3.2.0', null)).toBeUndefined()
  })

  it('spells references as pod specs do', () => {
    expect(referenceSpellings('nginx').sort()).toEqual(
      [
        'docker.io/library/nginx:latest',
        'docker.io/library/nginx',
        'index.docker.io/library/nginx:latest',
        'index.docker.io/library/nginx',
        'library/nginx:latest',
        'library/nginx',
        'nginx:latest',
        'nginx',
      ].sort(),
    )
    expect(referenceSpellings('registry.local:5000/team/app:1.2')).toEqual([
      'registry.local:5000/team/app:1.2',
    ])
    expect(digestOf('sha256:abc')).toBeNull()
    expect(digestOf(`repo@sha256:${'b'.repeat(64)}`)).toBe(`sha256:${'b'.repeat(64)}`)
  })

  it('the live split and the store recomputation agree on every input', () => {
    const rates = {
      downloadBytesPerSec: 1e8,
      inflateBytesPerSec: 150e6,
      extractBytesPerSec: 45e6,
      compressionRatio: 2.5,
    }
    let seed = 7
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let i = 0; i < 2_000; i++) {
      const pullMs = Math.round(rand() * 60_000)
      const sizeBytes = Math.round(rand() * 2e9)
      const sizeKind = rand() < 0.5 ? ('compressed' as const) : ('uncompressed' as const)
      const profile =
        rand() < 0.3 ? { compressedBytes: sizeBytes, uncompressedBytes: sizeBytes * 2 } : undefined
      // The live split as the lifecycle applies it to a pull record, node rates and profile lookup apart.
      const live = splitOfPull(
        {
          container: 'c',
          init: false,
          image: 'x',
          imageDigest: null,
          sizeKind,
          sizeBytes,
          pullMs,
          waitMs: 0,
          startedAt: null,
          cached: false,
          attempts: 1,
          outcome: 'ok',
          failureReason: null,
          downloadMs: null,
          decompressMs: null,
          splitMethod: null,
        },
        { rates, imageProfile: () => profile, none: false },
      )
      const stored = storeSplit(
        { pullMs, sizeBytes, sizeKind, node: null, runtime: null, image: 'x', digest: null },
        { splitRates: () => rates, imageProfile: () => profile },
      )
      expect(stored).toEqual(live)
    }
  })
})
