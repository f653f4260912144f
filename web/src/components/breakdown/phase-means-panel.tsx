// Where the seconds go: the mean of each phase over complete startups, stacked per step, and over the window.
import type { StartupAggregate } from '@podstart/schema/queries'
import type { PhaseStack } from '@/charts/startup-series.ts'
import { BarPhaseBreakdown } from '@/components/charts/bar-phase-breakdown.tsx'
import { formatCount, formatMs, formatSeconds, formatShare } from '@/lib/format.ts'
import { Numbers } from './numbers.tsx'

export function PhaseMeansPanel({
  stack,
  whole,
  summary,
}: {
  /** Per step. */
  stack: PhaseStack
  /** The same over the whole window (one point). */
  whole: PhaseStack
  summary: StartupAggregate
}) {
  return (
    <section className="panel" aria-labelledby="h-phases">
      <h2 id="h-phases">Where the seconds go</h2>
      <p className="note">
        Mean of each phase over the {formatCount(stack.completeStartups)} complete startups (every phase
        known) of {formatCount(stack.startups)}; the bands add up to their mean total because each startup's
        phases do.
        {stack.split
          ? ' Pull is split into download and decompress.'
          : ' Pull is not split for every startup, so it is one band.'}
      </p>
      <BarPhaseBreakdown stack={stack} mode="seconds" />
      <Numbers caption="Mean phase time over the whole window (complete startups)">
        <thead>
          <tr>
            <th>phase</th>
            <th>mean</th>
            <th>share</th>
            <th>p50 (all)</th>
            <th>p90 (all)</th>
            <th>startups with the phase</th>
          </tr>
        </thead>
        <tbody>
          {whole.bands.map((b) => (
            <tr key={b.key} data-phase-row={b.key}>
              <td>
                <span className="swatch" style={{ background: `var(--phase-${b.key})` }} />
                {b.label}
              </td>
              <td>{formatSeconds(whole.points[0]?.[b.key] ?? null)}</td>
              <td>{formatShare(whole.shares[0]?.[b.key] ?? null)}</td>
              <td>{formatMs(summary.phases[b.key].p50)}</td>
              <td>{formatMs(summary.phases[b.key].p90)}</td>
              <td>{formatCount(summary.phases[b.key].count)}</td>
            </tr>
          ))}
          <tr>
            <td>
              <strong>total</strong>
            </td>
            <td>
              <strong>{formatMs(summary.complete.meanTotalMs)}</strong>
            </td>
            <td>100%</td>
            <td>{formatMs(summary.total.p50)}</td>
            <td>{formatMs(summary.total.p90)}</td>
            <td>{formatCount(summary.total.count)}</td>
          </tr>
        </tbody>
      </Numbers>
    </section>
  )
}
