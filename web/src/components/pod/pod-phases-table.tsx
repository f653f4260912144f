// Every phase of one startup with its duration ("no evidence" when the record has none), and the measured total.
import { PHASE_NAMES, type StartupRecord } from '@podstart/schema/record'
import { formatMs } from '@/lib/format.ts'

export function PodPhasesTable({ record: r }: { record: StartupRecord }) {
  return (
    <table data-table="phases">
      <thead>
        <tr>
          <th>phase</th>
          <th>duration</th>
        </tr>
      </thead>
      <tbody>
        {PHASE_NAMES.map((ph) => (
          <tr key={ph} data-phase={ph} data-ms={r.phases[ph] ?? ''}>
            <td>
              <span className="swatch" style={{ background: `var(--phase-${ph})` }} />
              {ph}
            </td>
            <td>
              {r.phases[ph] === null ? <span className="muted">no evidence</span> : formatMs(r.phases[ph])}
            </td>
          </tr>
        ))}
        <tr>
          <td>
            <strong>total</strong> (measured created → Ready)
          </td>
          <td>
            <strong>{formatMs(r.totalMs)}</strong>
          </td>
        </tr>
      </tbody>
    </table>
  )
}
