// Renders an image profile as the terminal table of `podstart profile-image`.
import type { InflateTool } from './inflate.ts'
import type { ImageProfile, LayerProfile } from './types.ts'

const MB = 1e6

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`
  if (n >= MB) return `${(n / MB).toFixed(2)} MB`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`
  return `${n} B`
}

function formatSeconds(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`
}

const mbps = (bytesPerSec: number) => `${(bytesPerSec / MB).toFixed(0)} MB/s`

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
  return rows
    .map((r, i) => {
      const line = r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  ')
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line
    })
    .join('\n')
}

const TOOLS: { tool: InflateTool; head: string }[] = [
  { tool: 'node-zlib', head: 'node zlib' },
  { tool: 'gzip', head: 'gzip -d' },
  { tool: 'pigz', head: 'pigz -d' },
  { tool: 'zstd', head: 'zstd -d' },
  { tool: 'fzstd', head: 'fzstd' },
  { tool: 'zstd-recompressed', head: 'as zstd -3' },
]

function inflateCell(l: LayerProfile, tool: InflateTool): string {
  const t = l.inflate.find((x) => x.tool === tool)
  return t ? `${formatSeconds(t.ms)} ${mbps(t.bytesPerSec)}` : l.compression === 'none' ? '-' : ''
}

export function renderProfile(p: ImageProfile): string {
  const used = TOOLS.filter(({ tool }) => p.layers.some((l) => l.inflate.some((t) => t.tool === tool)))
  const head = [
    'layer',
    'media',
    'compressed',
    'uncompressed',
    'entries',
    'download',
    ...used.map((u) => u.head),
    'extract',
  ]
  const rows = [head]
  for (const [i, l] of p.layers.entries()) {
    rows.push([
      `${i + 1} ${l.digest.slice(7, 19)}`,
      l.compression,
      formatBytes(l.compressedBytes),
      formatBytes(l.uncompressedBytes),
      String(l.entries),
      `${formatSeconds(l.download.ms)} ${mbps(l.download.bytesPerSec)}`,
      ...used.map((u) => inflateCell(l, u.tool)),
      `${formatSeconds(l.extract.ms)} ${mbps(l.extract.bytesPerSec)}`,
    ])
  }
  const t = p.totals
  rows.push([
    'total',
    '',
    formatBytes(t.compressedBytes),
    formatBytes(t.uncompressedBytes),
    String(t.entries),
    `${formatSeconds(t.downloadMs)} ${mbps(p.rates.downloadBytesPerSec)}`,
    ...used.map((u) => {
      const ms = t.inflateMs[u.tool]
      return ms === undefined ? '' : `${formatSeconds(ms)} ${mbps(p.rates.inflateBytesPerSec[u.tool] ?? 0)}`
    }),
    `${formatSeconds(t.extractMs)} ${mbps(p.rates.extractBytesPerSec)}`,
  ])
  const scen = [['pull', 'total', 'download', 'decompress = inflate + extract', 'basis']]
  for (const s of p.scenarios) {
    const pct = (ms: number) => (s.totalMs > 0 ? ` (${Math.round((ms / s.totalMs) * 100)}%)` : '')
    scen.push([
      s.label,
      formatSeconds(s.totalMs),
      `${formatSeconds(s.downloadMs)}${pct(s.downloadMs)}`,
      `${formatSeconds(s.inflateMs + s.extractMs)}${pct(s.inflateMs + s.extractMs)} = ${formatSeconds(s.inflateMs)} + ${formatSeconds(s.extractMs)}`,
      s.assumption.split(':')[0] ?? '',
    ])
  }
  const zstd =
    p.zstdDecoder === 'none'
      ? ''
      : `; zstd layers inflated with ${p.zstdDecoder === 'zstd-cli' ? 'the zstd CLI' : 'fzstd (pure JS)'}`
  const missing = (['gzip', 'pigz', 'zstd'] as const).filter((k) => !p.tools[k])
  return [
    `${p.reference} (${p.platform})  ${p.digest}`,
    `measured on ${p.host.name} (${p.host.cpus} CPUs, ${p.host.cpuModel}) at ${p.measuredAt}${zstd}`,
    missing.length ? `not installed, not measured: ${missing.join(', ')}` : '',
    '',
    table(rows),
    '',
    'inflate rates are uncompressed bytes per second; extract writes the files of each layer without fsync.',
    'Pull estimates (serial: download, then inflate, then extract):',
    table(scen),
    '',
    ...p.scenarios.map((s) => `  ${s.label}: ${s.assumption}`),
  ]
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n')
}
