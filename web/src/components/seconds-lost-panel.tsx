// The first screen's answer to "where do the seconds go": pod-seconds per phase for the groups losing most,
// each row a stacked bar with its numbers, the phase that dominates named.
import { ADDITIVE_PHASES } from '@podstart/schema/record'
import Link from 'next/link'
import type { SecondsLostRow } from '@/charts/seconds-lost.ts'
import { paths } from './links.ts'
import type { GroupKind } from './startup-tables.tsx'
import { Empty } from './states.tsx'

const seconds = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`

function label(kind: GroupKind, g: SecondsLostRow['group']): { text: string; href: string | null } {
  if (kind === 'workload')
    return g.workload
      ? {
          text: `${g.namespace}/${g.workload}`,
          href: paths.workload(g.namespace ?? '', g.workloadKind ?? '', g.workload),
        }
      : { text: `${g.namespace}/(bare pods)`, href: null }
  const v = g[kind] ?? ''
  return { text: v || '(none)', href: v ? paths[kind](v) : null }
}

export function SecondsLostPanel({
  kind,
  rows,
  suffix,
}: {
  kind: GroupKind
  rows: SecondsLostRow[]
  suffix: string
}) {
  const max = Math.max(1, ...rows.map((r) => r.totalSeconds))
  return (
    <section className="panel" aria-labelledby="h-seconds" data-section="seconds-lost">
      <h2 id="h-seconds">Pod-seconds lost, by {kind}</h2>
      <p className="note">
        Pod-seconds from creation to Ready over startups with every phase known, split by phase; most time
        lost first.
      </p>
      {rows.length === 0 ? (
        <Empty title="No startup with every phase known in this window." />
      ) : (
        <div className="table-scroll">
          <table data-table="seconds-lost">
            <thead>
              <tr>
                <th>{kind}</th>
                <th className="wrap" style={{ width: '45%' }}>
                  phases
                </th>
                <th>pod-seconds</th>
                <th>most in</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const l = label(kind, r.group)
                return (
                  <tr key={JSON.stringify(r.group)}>
                    <td>{l.href ? <Link href={`${l.href}${suffix}`}>{l.text}</Link> : l.text}</td>
                    <td className="wrap">
                      <div
                        className="stack"
                        style={{ width: `${(100 * r.totalSeconds) / max}%` }}
                        role="img"
                        aria-label={ADDITIVE_PHASES.map((ph) => `${ph} ${seconds(r.phaseSeconds[ph])}`).join(
                          ', ',
                        )}
                      >
                        {ADDITIVE_PHASES.map((ph) =>
                          r.phaseSeconds[ph] > 0 ? (
                            <span
                              key={ph}
                              title={`${ph}: ${seconds(r.phaseSeconds[ph])}`}
                              style={{
                                width: `${(100 * r.phaseSeconds[ph]) / Math.max(r.totalSeconds, 1e-9)}%`,
                                background: `var(--phase-${ph})`,
                              }}
                            />
                          ) : null,
                        )}
                      </div>
                    </td>
                    <td>{seconds(r.totalSeconds)}</td>
                    <td>{r.top ? `${r.top} (${seconds(r.phaseSeconds[r.top])})` : '–'}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
