import { describe, expect, it } from 'vitest'
import { matchLayerApplies } from './measured.ts'
import { estimateDecompressMs, measuredSplit, type SplitLookups, splitPull, startupSplit } from './model.ts'
import {
  classRatesFromMeasurements,
  defaultSplitRates,
  effectiveInflateRate,
  NO_INFLATE_BYTES_PER_SEC,
} from './rates.ts'

const defaults: SplitLookups = { splitRates: () => defaultSplitRates(), imageProfile: () => undefined }
const facts = {
  pullMs: 6100,
  sizeBytes: 30_000_000,
  sizeKind: 'compressed' as const,
  node: 'n1',
  runtime: 'containerd',
  image: 'app:1',
  digest: null,
}

describe('rate table', () => {
  it('defaults are the measured figures: gunzip 150 MB/s, extract 45 MB/s, ratio 2.5', () => {
    expect(defaultSplitRates()).toMatchObject({
      inflateBytesPerSec: 150e6,
      extractBytesPerSec: 45e6,
      compressionRatio: 2.5,
    })
  })

  it('unpigz overlaps extract: only inflate slower than extract adds time', () => {
    expect(effectiveInflateRate(150e6, 45e6, false)).toBe(150e6)
    // pigz 226 MB/s beside a 45 MB/s disk: extract sets the pace, inflate adds nothing.
    expect(effectiveInflateRate(226e6, 45e6, true)).toBe(NO_INFLATE_BYTES_PER_SEC)
    // Inflate 100 MB/s beside a 400 MB/s disk: 1/100 - 1/400 = 1/133.3 MB/s adds on top of extract.
    expect(effectiveInflateRate(100e6, 400e6, true)).toBeCloseTo(1 / (1 / 100e6 - 1 / 400e6), 0)
    const u = 400e6
    const inflate = effectiveInflateRate(100e6, 400e6, true)
    expect(u / inflate + u / 400e6).toBeCloseTo(u / 100e6, 9) // = max(U/inflate, U/extract)
  })

  it('class rates pool measurements by bytes: total bytes over total time', () => {
    const r = classRatesFromMeasurements([
      {
        compressedBytes: 100e6,
        uncompressedBytes: 300e6,
        inflateBytesPerSec: 300e6,
        extractBytesPerSec: 100e6,
        downloadBytesPerSec: 50e6,
      },
      {
        compressedBytes: 50e6,
        uncompressedBytes: 100e6,
        inflateBytesPerSec: 100e6,
        extractBytesPerSec: 50e6,
        downloadBytesPerSec: 25e6,
      },
    ])
    // inflate: 400 MB in 1 s + 1 s; extract: 400 MB in 3 s + 2 s; download: 150 MB in 2 s + 2 s; ratio 400/150.
    expect(r.inflateBytesPerSec).toBeCloseTo(200e6, 0)
    expect(r.extractBytesPerSec).toBeCloseTo(80e6, 0)
    expect(r.downloadBytesPerSec).toBeCloseTo(37.5e6, 0)
    expect(r.compressionRatio).toBeCloseTo(400 / 150, 9)
    expect(classRatesFromMeasurements([])).toEqual(defaultSplitRates())
  })
})

describe('split arithmetic', () => {
  it('size-model: 30 MB compressed x 2.5 = 75 MB at 1/150 + 1/45 s per MB = 2167 ms of 6100', () => {
    expect(splitPull(facts, defaults)).toEqual({ downloadMs: 3933, decompressMs: 2167, method: 'size-model' })
    // CRI-O reports uncompressed bytes: no ratio.
    expect(
      splitPull({ ...facts, sizeBytes: 75_000_000, sizeKind: 'uncompressed' }, defaults)?.decompressMs,
    ).toBe(2167)
  })

  it('profile: its sizes and rates win over the node defaults', () => {
    const lookups: SplitLookups = {
      ...defaults,
      imageProfile: () => ({
        compressedBytes: 40e6,
        uncompressedBytes: 120e6,
        rates: { inflateBytesPerSec: 200e6, extractBytesPerSec: 60e6 },
      }),
    }
    expect(splitPull(facts, lookups)).toEqual({ downloadMs: 3500, decompressMs: 2600, method: 'profile' })
  })

  it('caps at the pull, and a pull far shorter than its unpack unpacked nothing', () => {
    expect(estimateDecompressMs(1000, 75e6, 150e6, 45e6)).toBe(1000) // 2167 ms estimated, 2.2x the pull
    expect(estimateDecompressMs(200, 75e6, 150e6, 45e6)).toBe(0) // 10.8x: the layers were there already
    expect(splitPull({ ...facts, pullMs: 200 }, defaults)).toEqual({
      downloadMs: 200,
      decompressMs: 0,
      method: 'size-model',
    })
  })

  it('no split without sizes or rates', () => {
    expect(splitPull({ ...facts, sizeBytes: null }, defaults)).toBeNull()
    expect(splitPull({ ...facts, pullMs: null }, defaults)).toBeNull()
    expect(splitPull(facts, { splitRates: () => undefined, imageProfile: () => undefined })).toBeNull()
  })

  it('measured: decompress clamped into the pull, download the rest (never negative)', () => {
    expect(measuredSplit(6100, 2100.4)).toEqual({ downloadMs: 4000, decompressMs: 2100, method: 'measured' })
    expect(measuredSplit(500, 800)).toEqual({ downloadMs: 0, decompressMs: 500, method: 'measured' })
  })

  it("a startup's phases sum its regular pulls, capped at the pull phase; an unsplit pull makes them unknown", () => {
    const pull = {
      init: false,
      outcome: 'ok',
      cached: false,
      pullMs: 1000,
      downloadMs: 600,
      decompressMs: 400,
    }
    expect(
      startupSplit(3000, [pull, { ...pull, decompressMs: 1500, downloadMs: 500, pullMs: 2000 }]),
    ).toEqual({
      downloadMs: 1100,
      decompressMs: 1900,
    })
    expect(
      startupSplit(1500, [pull, { ...pull, decompressMs: 1500, downloadMs: 500, pullMs: 2000 }]),
    ).toEqual({
      downloadMs: 0,
      decompressMs: 1500,
    })
    // Init pulls belong to the init phase; cached pulls took nothing.
    expect(
      startupSplit(1000, [pull, { ...pull, init: true }, { ...pull, cached: true, downloadMs: null }]),
    ).toEqual({
      downloadMs: 600,
      decompressMs: 400,
    })
    expect(startupSplit(1000, [{ ...pull, downloadMs: null, decompressMs: null }])).toBeNull()
    expect(startupSplit(null, [pull])).toBeNull()
  })
})

describe('matching containerd layer applies to pulls', () => {
  const at = (ms: number) => new Date(1_700_000_000_000 + ms).toISOString()
  const base = 1_700_000_000_000
  it('by window, by digest where windows overlap, and never guessing', () => {
    const pulls = [
      { key: 'a', startedAtMs: base, pullMs: 5000, layers: new Set(['sha256:aa']) },
      { key: 'b', startedAtMs: base + 2000, pullMs: 5000 },
      { key: 'c', startedAtMs: base + 20_000, pullMs: 1000 },
    ]
    const r = matchLayerApplies(pulls, [
      { at: at(1000), digest: 'sha256:aa', durationMs: 300 }, // a only
      { at: at(3000), digest: 'sha256:aa', durationMs: 200 }, // a and b: a knows the digest
      { at: at(4000), digest: 'sha256:bb', durationMs: 100 }, // a excludes it: b
      { at: at(20_500), digest: 'sha256:cc', durationMs: 50 }, // c
      { at: at(21_800), digest: 'sha256:cc', durationMs: 5 }, // within c's 1 s slack
      { at: at(60_000), digest: 'sha256:dd', durationMs: 1 }, // nobody
      { at: null, digest: 'sha256:ee', durationMs: 1 }, // no time
    ])
    expect(r.pulls.get('a')).toEqual({ decompressMs: 500, layers: 2, by: 'digest' })
    expect(r.pulls.get('b')).toEqual({ decompressMs: 100, layers: 1, by: 'window' })
    expect(r.pulls.get('c')).toEqual({ decompressMs: 55, layers: 2, by: 'window' })
    expect(r.unmatched).toBe(2)
    expect(r.ambiguous).toBe(0)
    const two = matchLayerApplies(
      [
        { key: 'x', startedAtMs: base, pullMs: 5000 },
        { key: 'y', startedAtMs: base, pullMs: 5000 },
      ],
      [{ at: at(1000), digest: 'sha256:aa', durationMs: 300 }],
    )
    expect(two).toEqual({ pulls: new Map(), unmatched: 0, ambiguous: 1 })
  })
})
