// The times the SLI and the peers' views read for one pod, each named for what it is (charts/pod-cuts.ts).
import type { PodCutRow } from '@/charts/pod-cuts.ts'
import { type Column, DataTable } from '@/components/data-table.tsx'
import { formatTime } from '@/lib/format.ts'

const columns: Column<PodCutRow>[] = [
  { header: 'time', cell: (c) => c.name },
  { header: 'at', cell: (c) => (c.at ? formatTime(c.at) : <span className="muted">not seen</span>) },
  { header: '+ms', cell: (c) => c.offsetMs ?? '–' },
  { header: 'what it is', cell: (c) => c.what },
]

export function PodCutsTable({ rows }: { rows: PodCutRow[] }) {
  return (
    <DataTable
      name="slo-cut"
      columns={columns}
      rows={rows}
      rowKey={(c) => c.name}
      rowAttrs={(c) => ({ 'data-cut': c.name })}
    />
  )
}
