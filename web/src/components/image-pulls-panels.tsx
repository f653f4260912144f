// The images page's panels: pull time by image and size class, download vs decompress with the method of
// each split, cache hits per node, and concurrent pulls of one image.
import type { ConcurrentPulls, ImagePullStats, NodeCacheHits } from '@podstart/schema/queries'
import Link from 'next/link'
import { formatBytes, formatCount, formatMs, formatShare, formatTime } from '@/lib/format.ts'
import { BarImagePulls } from './charts/bar-image-pulls.tsx'
import { paths } from './links.ts'
import { Empty } from './states.tsx'

const methods = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '–'

export function ImagePullTable({ images, suffix }: { images: ImagePullStats[]; suffix: string }) {
  if (images.length === 0) return <Empty title="No image pulls in this window." />
  return (
    <table data-table="image-pulls">
      <thead>
        <tr>
          <th>image</th>
          <th>size class</th>
          <th>pulls</th>
          <th>cached</th>
          <th>failed</th>
          <th>p50 pull</th>
          <th>p90 pull</th>
          <th>mean size</th>
          <th>download</th>
          <th>decompress</th>
          <th className="wrap">split method</th>
        </tr>
      </thead>
      <tbody>
        {images.map((i) => (
          <tr key={`${i.image}/${i.sizeClass}`}>
            <td>
              <Link href={`${paths.image(i.image)}${suffix}`}>{i.image}</Link>
            </td>
            <td>{i.sizeClass}</td>
            <td>{formatCount(i.pulls)}</td>
            <td>{formatCount(i.cached)}</td>
            <td className={i.failed > 0 ? 'bad' : undefined}>{formatCount(i.failed)}</td>
            <td>{formatMs(i.p50PullMs)}</td>
            <td>{formatMs(i.p90PullMs)}</td>
            <td>{formatBytes(i.meanSizeBytes)}</td>
            <td>{formatMs(i.meanDownloadMs)}</td>
            <td>{formatMs(i.meanDecompressMs)}</td>
            <td className="wrap">{methods(i.splitMethods)}</td>
          </tr>
        ))}
      </tbody>
    </table>
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
  return (
    <table data-table="node-cache">
      <thead>
        <tr>
          <th>node</th>
          <th>image lookups</th>
          <th>already present</th>
          <th>hit rate</th>
        </tr>
      </thead>
      <tbody>
        {nodes.map((n) => (
          <tr key={n.node}>
            <td>
              <Link href={`${paths.node(n.node)}${suffix}`}>{n.node}</Link>
            </td>
            <td>{formatCount(n.lookups)}</td>
            <td>{formatCount(n.cached)}</td>
            <td>{formatShare(n.hitRate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function ConcurrentPullsTable({ rows, suffix }: { rows: ConcurrentPulls[]; suffix: string }) {
  if (rows.length === 0) return <Empty title="No image was pulled by two nodes in the same minute." />
  return (
    <table data-table="concurrent-pulls">
      <thead>
        <tr>
          <th>image</th>
          <th>peak nodes / minute</th>
          <th>at</th>
          <th>mean pull then</th>
          <th>pulls</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.image}>
            <td>
              <Link href={`${paths.image(r.image)}${suffix}`}>{r.image}</Link>
            </td>
            <td>{formatCount(r.peakNodes)}</td>
            <td>{formatTime(r.peakMinute)}</td>
            <td>{formatMs(r.peakMeanPullMs)}</td>
            <td>{formatCount(r.pulls)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
