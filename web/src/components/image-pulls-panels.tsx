// The images page's panels: pull time by image and size class, download vs decompress with the method of
// each split, cache hits per node, and concurrent pulls of one image.
import type { ConcurrentPulls, ImagePullStats, NodeCacheHits } from '@podstart/schema/queries'
import Link from 'next/link'
import { formatBytes, formatCount, formatMs, formatShare, formatTime } from '@/lib/format.ts'
import { BarImagePulls } from './charts/bar-image-pulls.tsx'
import { type Column, DataTable } from './data-table.tsx'
import { paths } from './links.ts'
import { Empty } from './states.tsx'

const methods = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '–'

const imagePullColumns = (suffix: string): Column<ImagePullStats>[] => [
  { header: 'image', cell: (i) => <Link href={`${paths.image(i.image)}${suffix}`}>{i.image}</Link> },
  { header: 'size class', cell: (i) => i.sizeClass },
  { header: 'pulls', cell: (i) => formatCount(i.pulls) },
  { header: 'cached', cell: (i) => formatCount(i.cached) },
  {
    header: 'failed',
    cell: (i) => formatCount(i.failed),
    cellClass: (i) => (i.failed > 0 ? 'bad' : undefined),
  },
  { header: 'p50 pull', cell: (i) => formatMs(i.p50PullMs) },
  { header: 'p90 pull', cell: (i) => formatMs(i.p90PullMs) },
  { header: 'mean size', cell: (i) => formatBytes(i.meanSizeBytes) },
  { header: 'download', cell: (i) => formatMs(i.meanDownloadMs) },
  { header: 'decompress', cell: (i) => formatMs(i.meanDecompressMs) },
  { header: 'split method', cell: (i) => methods(i.splitMethods), className: 'wrap' },
]

export function ImagePullTable({ images, suffix }: { images: ImagePullStats[]; suffix: string }) {
  if (images.length === 0) return <Empty title="No image pulls in this window." />
  return (
    <DataTable
      name="image-pulls"
      columns={imagePullColumns(suffix)}
      rows={images}
      rowKey={(i) => `${i.image}/${i.sizeClass}`}
    />
  )
}

export function ImageSplitChart({ images }: { images: ImagePullStats[] }) {
  const bars = images
    .filter((i) => i.meanDownloadMs !== null && i.meanDecompressMs !== null)
    .slice(0, 12)
    .map((i) => ({
      image: `${i.image} (${i.sizeClass})`,
      download: (i.meanDownloadMs ?? 0) / 1000,
      decompress: (i.meanDecompressMs ?? 0) / 1000,
    }))
  if (bars.length === 0) return <Empty title="No pull in this window has a download/decompress split." />
  return <BarImagePulls bars={bars} />
}

export function NodeCacheTable({ nodes, suffix }: { nodes: NodeCacheHits[]; suffix: string }) {
  if (nodes.length === 0) return <Empty title="No image lookups on any node in this window." />
  const columns: Column<NodeCacheHits>[] = [
    { header: 'node', cell: (n) => <Link href={`${paths.node(n.node)}${suffix}`}>{n.node}</Link> },
    { header: 'image lookups', cell: (n) => formatCount(n.lookups) },
    { header: 'already present', cell: (n) => formatCount(n.cached) },
    { header: 'hit rate', cell: (n) => formatShare(n.hitRate) },
  ]
  return <DataTable name="node-cache" columns={columns} rows={nodes} rowKey={(n) => n.node} />
}

export function ConcurrentPullsTable({ rows, suffix }: { rows: ConcurrentPulls[]; suffix: string }) {
  if (rows.length === 0) return <Empty title="No image was pulled by two nodes in the same minute." />
  const columns: Column<ConcurrentPulls>[] = [
    { header: 'image', cell: (r) => <Link href={`${paths.image(r.image)}${suffix}`}>{r.image}</Link> },
    { header: 'peak nodes / minute', cell: (r) => formatCount(r.peakNodes) },
    { header: 'at', cell: (r) => formatTime(r.peakMinute) },
    { header: 'mean pull then', cell: (r) => formatMs(r.peakMeanPullMs) },
    { header: 'pulls', cell: (r) => formatCount(r.pulls) },
  ]
  return <DataTable name="concurrent-pulls" columns={columns} rows={rows} rowKey={(r) => r.image} />
}
