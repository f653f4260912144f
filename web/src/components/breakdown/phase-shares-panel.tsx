// Each phase's share of the mean startup per step (the same complete startups as the phase means).

import type { PhaseStack } from '@/charts/startup-series.ts'
import { BarPhaseBreakdown } from '@/components/charts/bar-phase-breakdown.tsx'
import { formatCount, formatShare } from '@/lib/format.ts'
import { Numbers } from './numbers.tsx'

export function PhaseSharesPanel({ stack }: { stack: PhaseStack }) {
  return (
    <section className="panel" aria-labelledby="h-share">
      <h2 id="h-share">Phase share over time</h2>
      <p className="note">Each phase's share of the mean startup per step (same startups as on the left).</p>
      <BarPhaseBreakdown stack={stack} mode="share" />
      <Numbers caption="Share per step">
        <thead>
          <tr>
            <th>step (UTC)</th>
            <th>complete</th>
            {stack.bands.map((b) => (
              <th key={b.key}>{b.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {stack.shares.map((p) => (
            <tr key={p.at}>
              <td>{p.at}</td>
              <td>{formatCount(p.complete)}</td>
              {stack.bands.map((b) => (
                <td key={b.key}>{formatShare(p[b.key] ?? null)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </Numbers>
    </section>
  )
}
