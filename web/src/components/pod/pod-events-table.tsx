// The raw Kubernetes events stored for one pod, as the cluster reported them.
import type { podEvents } from '@podstart/schema/queries'
import { Empty } from '@/components/states.tsx'
import { formatTime } from '@/lib/format.ts'

export type PodEvent = Awaited<ReturnType<ReturnType<typeof podEvents>>>[number]

export function PodEventsTable({ events }: { events: PodEvent[] }) {
  if (events.length === 0)
    return (
      <Empty title="No events stored for this pod.">
        Events are kept 14 days, and only when the collector stores them.
      </Empty>
    )
  return (
    <table data-table="events">
      <thead>
        <tr>
          <th>time</th>
          <th>type</th>
          <th>reason</th>
          <th>from</th>
          <th>object</th>
          <th>count</th>
          <th className="wrap">message</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.event_name}>
            <td>{formatTime(e.event_time ?? e.first_at ?? e.created_at)}</td>
            <td className={e.type === 'Warning' ? 'bad' : undefined}>{e.type}</td>
            <td>{e.reason}</td>
            <td>{e.source_component}</td>
            <td>{e.field_path || '–'}</td>
            <td>{e.count}</td>
            <td className="wrap">{e.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
