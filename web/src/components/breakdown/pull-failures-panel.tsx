// Image pulls per step and the ones that never succeeded, with their reasons.
import { BarPullFailures } from '@/components/charts/bar-pull-failures.tsx'
import { formatCount } from '@/lib/format.ts'
import type { ScopeView } from '@/server/dashboard-data.ts'
import { Numbers } from './numbers.tsx'

export function PullFailuresPanel({ steps }: { steps: ScopeView['pullFailures'] }) {
  return (
    <section className="panel" aria-labelledby="h-failures">
      <h2 id="h-failures">Image pulls and failures</h2>
      <p className="note">
        Pulls that fetched an image, and pulls that never succeeded (by reason in the table).
      </p>
      <BarPullFailures points={steps} />
      <Numbers caption="Pulls per step">
        <thead>
          <tr>
            <th>step (UTC)</th>
            <th>pulls</th>
            <th>failed</th>
            <th className="wrap">reasons</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((p) => (
            <tr key={p.at}>
              <td>{p.at}</td>
              <td>{formatCount(p.pulls)}</td>
              <td>{formatCount(p.failed)}</td>
              <td className="wrap">
                {Object.entries(p.reasons)
                  .map(([r, n]) => `${r} ${n}`)
                  .join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </Numbers>
    </section>
  )
}
