// The image pulls of one startup, one row per container: wait, pull, its download/decompress split, size, outcome.
import type { StartupRecord } from '@podstart/schema/record'
import Link from 'next/link'
import { paths } from '@/components/links.ts'
import { Empty } from '@/components/states.tsx'
import { formatBytes, formatMs } from '@/lib/format.ts'

export function PodPullsTable({ pulls }: { pulls: StartupRecord['pulls'] }) {
  if (pulls.length === 0) return <Empty title="No pull recorded." />
  return (
    <table data-table="pulls">
      <thead>
        <tr>
          <th>container</th>
          <th>image</th>
          <th>wait</th>
          <th>pull</th>
          <th>download</th>
          <th>decompress</th>
          <th>split</th>
          <th>size</th>
          <th>attempts</th>
          <th>outcome</th>
        </tr>
      </thead>
      <tbody>
        {pulls.map((pl) => (
          <tr key={`${pl.init}/${pl.container}`}>
            <td>
              {pl.init ? 'init ' : ''}
              {pl.container}
            </td>
            <td>
              <Link href={paths.image(pl.image)}>{pl.image}</Link>
            </td>
            <td>{formatMs(pl.waitMs)}</td>
            <td>{pl.cached ? 'present' : formatMs(pl.pullMs)}</td>
            <td>{formatMs(pl.downloadMs)}</td>
            <td>{formatMs(pl.decompressMs)}</td>
            <td>{pl.splitMethod ?? '–'}</td>
            <td>
              {formatBytes(pl.sizeBytes)}
              {pl.sizeKind ? ` (${pl.sizeKind})` : ''}
            </td>
            <td>{pl.attempts}</td>
            <td className={pl.outcome !== 'ok' ? 'bad' : undefined}>
              {pl.outcome}
              {pl.failureReason ? ` (${pl.failureReason})` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
