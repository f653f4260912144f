// Kubernetes' pod startup SLO per cluster-day (a different cut from the full breakdown).

import { type SloDay, sloChartRows } from '@/charts/startup-series.ts'
import { BarSloClusterDay } from '@/components/charts/bar-slo-cluster-day.tsx'
import { formatCount, formatSeconds } from '@/lib/format.ts'
import { Numbers } from './numbers.tsx'

export function SloPanel({ days }: { days: SloDay[] }) {
  const chart = sloChartRows(days)
  return (
    <section className="panel" aria-labelledby="h-slo">
      <h2 id="h-slo">SLO view (Kubernetes pod startup SLO)</h2>
      <p className="note">
        p99 per cluster-day of created → all containers started, excluding image pulls and init containers,
        against 5 s (sig-scalability). A different cut from the full breakdown.
      </p>
      {days.length > 0 ? <BarSloClusterDay clusters={chart.clusters} rows={chart.rows} /> : null}
      <Numbers caption="SLO per cluster-day">
        <thead>
          <tr>
            <th>day</th>
            <th>cluster</th>
            <th>startups</th>
            <th>p99</th>
            <th>&gt; 5 s</th>
            <th>SLO</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={`${d.cluster}/${d.day}`}>
              <td>{d.day}</td>
              <td>{d.cluster}</td>
              <td>{formatCount(d.startups)}</td>
              <td>{formatSeconds(d.p99)}</td>
              <td>{formatCount(d.over5s)}</td>
              <td className={d.met === false ? 'bad' : d.met ? 'good' : 'muted'}>
                {d.met === null ? 'no data' : d.met ? 'met' : 'missed'}
              </td>
            </tr>
          ))}
        </tbody>
      </Numbers>
    </section>
  )
}
