// Each boundary of one startup: when, its offset from creation, the source it came from and that source's precision.
import type { BoundaryRow } from '@/charts/pod-waterfall.ts'
import { formatMs, formatTime } from '@/lib/format.ts'

export function PodBoundariesTable({ boundaries }: { boundaries: BoundaryRow[] }) {
  return (
    <table data-table="boundaries">
      <thead>
        <tr>
          <th>boundary</th>
          <th>at</th>
          <th>+ms</th>
          <th>source</th>
          <th>precision</th>
        </tr>
      </thead>
      <tbody>
        {boundaries.map((b) => (
          <tr
            key={b.name}
            data-boundary={b.name}
            data-source={b.source ?? ''}
            data-precision-ms={b.precisionMs ?? ''}
          >
            <td>{b.name}</td>
            <td>{formatTime(b.at)}</td>
            <td>{b.offsetMs ?? '–'}</td>
            <td>{b.source ?? <span className="muted">no evidence</span>}</td>
            <td>{b.precisionMs === null ? '–' : `± ${formatMs(b.precisionMs)}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
