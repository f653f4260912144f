// The raw Kubernetes events stored for one pod, as the cluster reported them.
import type { podEvents } from '@podstart/schema/queries'
import { type Column, DataTable } from '@/components/data-table.tsx'
import { Empty } from '@/components/states.tsx'
import { formatTime } from '@/lib/format.ts'

export type PodEvent = Awaited<ReturnType<ReturnType<typeof podEvents>>>[number]

const eventColumns: Column<PodEvent>[] = [
  { header: 'time', cell: (e) => formatTime(e.event_time ?? e.first_at ?? e.created_at) },
  { header: 'type', cell: (e) => e.type, cellClass: (e) => (e.type === 'Warning' ? 'bad' : undefined) },
  { header: 'reason', cell: (e) => e.reason },
  { header: 'from', cell: (e) => e.source_component },
  { header: 'object', cell: (e) => e.field_path || '–' },
  { header: 'count', cell: (e) => e.count },
  { header: 'message', cell: (e) => e.message, className: 'wrap' },
]

export function PodEventsTable({ events }: { events: PodEvent[] }) {
  if (events.length === 0)
    return (
      <Empty title="No events stored for this pod.">
        Events are kept 14 days, and only when the collector stores them.
      </Empty>
    )
  return <DataTable name="events" columns={eventColumns} rows={events} rowKey={(e) => e.event_name} />
}
