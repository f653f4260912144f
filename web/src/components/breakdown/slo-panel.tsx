// The official pod startup SLI per cluster-day (sig-scalability), with the pods it leaves out, next to podstart's
// own SLO cut of every pod (docs/slo.md says how the two differ).

import type { SloDay } from '@/charts/startup-series.ts'
import { sloChartRows } from '@/charts/startup-series.ts'
import { BarSloClusterDay } from '@/components/charts/bar-slo-cluster-day.tsx'
import { formatCount, formatSeconds } from '@/lib/format.ts'
import { Numbers } from './numbers.tsx'

const excludedText = (e: Record<string, number> | undefined): string =>
  Object.entries(e ?? {})
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${formatCount(n)}`)
    .join(', ') || 'none'

const metCell = (met: boolean | null) => (
  <td className={met === false ? 'bad' : met ? 'good' : 'muted'}>
    {met === null ? 'no data' : met ? 'met' : 'missed'}
  </td>
)

export function SloPanel({ sli, cut }: { sli: SloDay[]; cut: SloDay[] }) {
  const chart = sloChartRows(sli)
  return (
    <section className="panel" aria-labelledby="h-slo">
      <h2 id="h-slo">Official pod startup SLI (sig-scalability)</h2>
      <p className="note">
        p99 per cluster-day of created → every container started as observed via watch, minus image pulls and
        init containers, over stateless and schedulable pods, against 5 s. Percentiles: nearest rank (rank
        ⌈p·n⌉) over the stored startups. The same figures: <code>podstart slo --as sli</code>.
      </p>
      {sli.length > 0 ? <BarSloClusterDay clusters={chart.clusters} rows={chart.rows} /> : null}
      <Numbers caption="Official SLI per cluster-day (percentiles: nearest rank)">
        <thead>
          <tr>
            <th>day</th>
            <th>cluster</th>
            <th>pods in the SLI</th>
            <th>p99</th>
            <th>&gt; 5 s</th>
            <th>SLO</th>
            <th>left out (why)</th>
          </tr>
        </thead>
        <tbody>
          {sli.map((d) => (
            <tr key={`${d.cluster}/${d.day}`}>
              <td>{d.day}</td>
              <td>{d.cluster}</td>
              <td>{formatCount(d.startups)}</td>
              <td>{formatSeconds(d.p99)}</td>
              <td>{formatCount(d.over5s)}</td>
              {metCell(d.met)}
              <td>{excludedText(d.excluded)}</td>
            </tr>
          ))}
        </tbody>
      </Numbers>
      <Numbers caption="podstart's SLO cut of every pod: ends at the last Started event, keeps stateful and unschedulable pods (percentiles: ClickHouse quantiles from the rollups, interpolated)">
        <thead>
          <tr>
            <th>day</th>
            <th>cluster</th>
            <th>startups</th>
            <th>p99</th>
            <th>&gt; 5 s</th>
            <th>under 5 s</th>
          </tr>
        </thead>
        <tbody>
          {cut.map((d) => (
            <tr key={`${d.cluster}/${d.day}`}>
              <td>{d.day}</td>
              <td>{d.cluster}</td>
              <td>{formatCount(d.startups)}</td>
              <td>{formatSeconds(d.p99)}</td>
              <td>{formatCount(d.over5s)}</td>
              {metCell(d.met)}
            </tr>
          ))}
        </tbody>
      </Numbers>
    </section>
  )
}
