// Startup time over the window: p50/p90/p99 per step of startups that became Ready.

import type { PercentilePoint } from '@/charts/startup-series.ts'
import { LineStartupPercentiles } from '@/components/charts/line-startup-percentiles.tsx'
import { formatCount, formatSeconds } from '@/lib/format.ts'
import { Numbers } from './numbers.tsx'

export function PercentilesPanel({
  points,
  stepSeconds,
}: {
  points: PercentilePoint[]
  stepSeconds: number
}) {
  return (
    <section className="panel" aria-labelledby="h-percentiles">
      <h2 id="h-percentiles">Startup time (created → Ready)</h2>
      <p className="note">
        p50 / p90 / p99 per step over startups that became Ready. Drag across the chart to zoom. Percentiles:
        ClickHouse quantiles from the rollups (interpolated; within one rank of the nearest rank up to 8,192
        startups per step, docs/slo.md).
      </p>
      <LineStartupPercentiles points={points} stepSeconds={stepSeconds} />
      <Numbers caption="Percentiles per step (ClickHouse quantiles, interpolated)">
        <thead>
          <tr>
            <th>step (UTC)</th>
            <th>startups</th>
            <th>p50</th>
            <th>p90</th>
            <th>p99</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.at}>
              <td>{p.at}</td>
              <td>{formatCount(p.startups)}</td>
              <td>{formatSeconds(p.p50)}</td>
              <td>{formatSeconds(p.p90)}</td>
              <td>{formatSeconds(p.p99)}</td>
            </tr>
          ))}
        </tbody>
      </Numbers>
    </section>
  )
}
