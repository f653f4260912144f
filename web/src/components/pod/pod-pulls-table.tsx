// The image pulls of one startup, one row per container: wait, pull, its download/decompress split, size, outcome.
import type { StartupRecord } from '@podstart/schema/record'
import Link from 'next/link'
import { type Column, DataTable } from '@/components/data-table.tsx'
import { paths } from '@/components/links.ts'
import { Empty } from '@/components/states.tsx'
import { formatBytes, formatMs } from '@/lib/format.ts'

type Pull = StartupRecord['pulls'][number]

const pullColumns: Column<Pull>[] = [
  {
    header: 'container',
    cell: (pl) => (
      <>
        {pl.init ? 'init ' : ''}
        {pl.container}
      </>
    ),
  },
  { header: 'image', cell: (pl) => <Link href={paths.image(pl.image)}>{pl.image}</Link> },
  { header: 'wait', cell: (pl) => formatMs(pl.waitMs) },
  { header: 'pull', cell: (pl) => (pl.cached ? 'present' : formatMs(pl.pullMs)) },
  { header: 'download', cell: (pl) => formatMs(pl.downloadMs) },
  { header: 'decompress', cell: (pl) => formatMs(pl.decompressMs) },
  { header: 'split', cell: (pl) => pl.splitMethod ?? '–' },
  {
    header: 'size',
    cell: (pl) => (
      <>
        {formatBytes(pl.sizeBytes)}
        {pl.sizeKind ? ` (${pl.sizeKind})` : ''}
      </>
    ),
  },
  { header: 'attempts', cell: (pl) => pl.attempts },
  {
    header: 'outcome',
    cell: (pl) => (
      <>
        {pl.outcome}
        {pl.failureReason ? ` (${pl.failureReason})` : ''}
      </>
    ),
    cellClass: (pl) => (pl.outcome !== 'ok' ? 'bad' : undefined),
  },
]

export function PodPullsTable({ pulls }: { pulls: Pull[] }) {
  if (pulls.length === 0) return <Empty title="No pull recorded." />
  return (
    <DataTable
      name="pulls"
      columns={pullColumns}
      rows={pulls}
      rowKey={(pl) => `${pl.init}/${pl.container}`}
    />
  )
}
