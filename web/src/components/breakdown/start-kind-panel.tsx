// Cold starts (an image was pulled) against warm ones, per step and over the window.

import type { StartKindPoint, StartKindSummary } from '@/charts/startup-series.ts'
import { BarStartKind } from '@/components/charts/bar-start-kind.tsx'
import { formatCount, formatSeconds } from '@/lib/format.ts'
import { Numbers } from './numbers.tsx'

export function StartKindPanel({ points, kinds }: { points: StartKindPoint[]; kinds: StartKindSummary[] }) {
  return (
    <section className="panel" aria-labelledby="h-cold">
      <h2 id="h-cold">Cold vs warm starts</h2>
      <p className="note">
        Cold: at least one image was actually pulled. Warm: every image was already on the node.
      </p>
      <BarStartKind points={points} />
      <Numbers caption="Cold vs warm" open>
        <thead>
          <tr>
            <th>kind</th>
            <th>startups</th>
            <th>p50</th>
            <th>p90</th>
          </tr>
        </thead>
        <tbody>
          {kinds.map((k) => (
            <tr key={k.kind} data-start-kind={k.kind}>
              <td>{k.kind}</td>
              <td>{formatCount(k.startups)}</td>
              <td>{formatSeconds(k.p50)}</td>
              <td>{formatSeconds(k.p90)}</td>
            </tr>
          ))}
        </tbody>
      </Numbers>
    </section>
  )
}
