// Each boundary of one startup: when, its offset from creation, the source it came from and that source's precision.
import type { BoundaryRow } from '@/charts/pod-waterfall.ts'
import { type Column, DataTable } from '@/components/data-table.tsx'
import { formatMs, formatTime } from '@/lib/format.ts'

const boundaryColumns: Column<BoundaryRow>[] = [
  {
    header: 'boundary',
    // The phase chain's initialized is never before sandbox ready; the Initialized condition is listed apart.
    cell: (b) => (b.name === 'initialized' ? 'initialized (phase boundary)' : b.name),
  },
  { header: 'at', cell: (b) => formatTime(b.at) },
  { header: '+ms', cell: (b) => b.offsetMs ?? '–' },
  { header: 'source', cell: (b) => b.source ?? <span className="muted">no evidence</span> },
  { header: 'precision', cell: (b) => (b.precisionMs === null ? '–' : `± ${formatMs(b.precisionMs)}`) },
]

export function PodBoundariesTable({ boundaries }: { boundaries: BoundaryRow[] }) {
  return (
    <DataTable
      name="boundaries"
      columns={boundaryColumns}
      rows={boundaries}
      rowKey={(b) => b.name}
      rowAttrs={(b) => ({
        'data-boundary': b.name,
        'data-source': b.source ?? '',
        'data-precision-ms': b.precisionMs ?? '',
      })}
    />
  )
}
