// What-if pull times from measured per-layer rates: as pushed (gunzip / unpigz), as zstd, uncompressed, lazy.
import type { InflateTool } from './inflate.ts'
import type { LayerProfile, PullScenario } from './types.ts'

/** Share of an image's bytes read at container start (Slacker, FAST'16: 6.4%). A published average, not measured here. */
export const LAZY_READ_FRACTION = 0.064

const SERIAL =
  'layers fetched then unpacked one after another (containerd overlaps them, so a real pull can be shorter)'

function inflateMsOf(layer: LayerProfile, prefer: InflateTool[]): number | undefined {
  if (layer.compression === 'none') return 0
  for (const tool of prefer) {
    const t = layer.inflate.find((x) => x.tool === tool)
    if (t) return t.ms
  }
  return undefined
}

// A zstd layer is always inflated by zstd (or its JS fallback), whatever the gzip tool of the scenario.
const ZSTD_TOOLS: InflateTool[] = ['zstd', 'fzstd']

/**
 * Builds the pull scenarios. Download times scale the bytes each scenario moves by the measured download
 * rate; inflate and extract times are the measured ones. A scenario whose tool was not measured is left out.
 */
export function pullScenarios(layers: LayerProfile[], downloadBytesPerSec: number): PullScenario[] {
  const dl = (bytes: number) => (downloadBytesPerSec > 0 ? (bytes / downloadBytesPerSec) * 1000 : 0)
  const extractMs = layers.reduce((s, l) => s + l.extract.ms, 0)
  const downloadMs = layers.reduce((s, l) => s + l.download.ms, 0)
  const out: PullScenario[] = []
  const make = (
    id: PullScenario['id'],
    label: string,
    gzipTools: InflateTool[],
    download: number,
    assumption: string,
  ) => {
    let inflate = 0
    for (const l of layers) {
      // No tools: the scenario stores layers uncompressed, so nothing is inflated.
      const ms =
        gzipTools.length === 0 ? 0 : inflateMsOf(l, l.compression === 'zstd' ? ZSTD_TOOLS : gzipTools)
      if (ms === undefined) return
      inflate += ms
    }
    out.push({
      id,
      label,
      downloadMs: download,
      inflateMs: inflate,
      extractMs,
      totalMs: download + inflate + extractMs,
      assumption,
    })
  }
  make(
    'as-pushed-gunzip',
    'as pushed, gunzip',
    ['gzip', 'node-zlib'],
    downloadMs,
    `measured; GNU gzip -d stands in for containerd's built-in gzip; ${SERIAL}`,
  )
  make(
    'as-pushed-pigz',
    'as pushed, unpigz',
    ['pigz'],
    downloadMs,
    `measured; pigz -d as containerd uses unpigz when on PATH; ${SERIAL}`,
  )
  const zstdBytes = layers.reduce(
    (s, l) =>
      s + (l.compression === 'gzip' ? (l.zstdRecompressedBytes ?? l.compressedBytes) : l.compressedBytes),
    0,
  )
  make(
    'as-zstd',
    'gzip layers as zstd -3',
    ['zstd-recompressed'],
    dl(zstdBytes),
    `estimate: gzip layers recompressed with zstd -3, download at the measured rate; ${SERIAL}`,
  )
  make(
    'uncompressed-layers',
    'uncompressed layers',
    [],
    dl(layers.reduce((s, l) => s + l.uncompressedBytes, 0)),
    `estimate: uncompressed bytes at the measured download rate, no inflate; ${SERIAL}`,
  )
  // Lazy formats mount instead of extracting, and fetch what the container reads.
  let lazyInflate = 0
  for (const l of layers)
    lazyInflate +=
      (inflateMsOf(l, l.compression === 'zstd' ? ZSTD_TOOLS : ['gzip', 'node-zlib']) ?? 0) *
      LAZY_READ_FRACTION
  const lazyDownload = downloadMs * LAZY_READ_FRACTION
  out.push({
    id: 'lazy',
    label: 'lazy (eStargz / Nydus / SOCI)',
    downloadMs: lazyDownload,
    inflateMs: lazyInflate,
    extractMs: 0,
    totalMs: lazyDownload + lazyInflate,
    assumption: `estimate: start reads ${(LAZY_READ_FRACTION * 100).toFixed(1)}% of the bytes (Slacker, FAST'16), no extract; the rest is fetched while the container runs`,
  })
  return out
}
