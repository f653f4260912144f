// The startup breakdown of one scope (everything, a cluster, a namespace, a workload, a node): headline numbers,
// percentiles over time, the SLO view, the stacked phases, cold vs warm and pull failures, each chart with its
// exact numbers beside it.

import {
  percentileSeries,
  phaseStack,
  sloChartRows,
  sloDays,
  startKindSeries,
  startKindSummary,
} from '@/charts/startup-series.ts'
import { formatCount, formatMs, formatShare } from '@/lib/format.ts'
import type { ScopeView } from '@/server/dashboard-data.ts'
import { BarPhaseBreakdown } from './charts/bar-phase-breakdown.tsx'
import { BarPullFailures } from './charts/bar-pull-failures.tsx'
import { BarSloClusterDay } from './charts/bar-slo-cluster-day.tsx'
import { BarStartKind } from './charts/bar-start-kind.tsx'
import { LineStartupPercentiles } from './charts/line-startup-percentiles.tsx'
import { NoStartups } from './states.tsx'

const s = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v.toFixed(2)} s`)

export function ScopeBreakdown({ view }: { view: ScopeView }) {
  const summary = view.summary
  if (!summary || summary.startups === 0) return <NoStartups />
  const percentiles = percentileSeries(view.series)
  const stack = phaseStack(view.series)
  const whole = phaseStack([summary])
  const kinds = startKindSummary(view.startKinds)
  const kindSeries = startKindSeries(view.startKindSeries)
  const slo = sloDays(view.sloDays)
  const sloChart = sloChartRows(slo)
  const failed = view.pullFailures.reduce((n, p) => n + p.failed, 0)
  const pulls = view.pullFailures.reduce((n, p) => n + p.pulls, 0)
  const cold = kinds.find((k) => k.kind === 'cold')?.startups ?? 0
  const worstSlo = slo.reduce<number | null>(
    (m, d) => (d.p99 !== null && (m === null || d.p99 > m) ? d.p99 : m),
    null,
  )
  return (
    <>
      <div className="kpis" data-section="kpis">
        <Kpi label="startups" value={formatCount(summary.startups)} />
        <Kpi label="p50 startup" value={formatMs(summary.total.p50)} testid="kpi-p50" />
        <Kpi label="p90 startup" value={formatMs(summary.total.p90)} testid="kpi-p90" />
        <Kpi label="p99 startup" value={formatMs(summary.total.p99)} />
        <Kpi label="cold starts" value={formatShare(summary.startups ? cold / summary.startups : null)} />
        <Kpi
          label="worst SLO day (p99)"
          value={worstSlo === null ? '–' : `${worstSlo.toFixed(2)} s`}
          bad={worstSlo !== null && worstSlo > 5}
        />
        <Kpi label="failed pulls" value={`${formatCount(failed)} / ${formatCount(pulls)}`} bad={failed > 0} />
      </div>
      <div className="grid">
        <section className="panel" aria-labelledby="h-percentiles">
          <h2 id="h-percentiles">Startup time (created → Ready)</h2>
          <p className="note">p50 / p90 / p99 per step over startups that became Ready.</p>
          <LineStartupPercentiles points={percentiles} />
          <Numbers caption="Percentiles per step">
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
              {percentiles.map((p) => (
                <tr key={p.at}>
                  <td>{p.at}</td>
                  <td>{formatCount(p.startups)}</td>
                  <td>{s(p.p50)}</td>
                  <td>{s(p.p90)}</td>
                  <td>{s(p.p99)}</td>
                </tr>
              ))}
            </tbody>
          </Numbers>
        </section>
        <section className="panel" aria-labelledby="h-slo">
          <h2 id="h-slo">SLO view (Kubernetes pod startup SLO)</h2>
          <p className="note">
            p99 per cluster-day of created → all containers started, excluding image pulls and init
            containers, against 5 s (sig-scalability). A different cut from the full breakdown.
          </p>
          {slo.length > 0 ? <BarSloClusterDay clusters={sloChart.clusters} rows={sloChart.rows} /> : null}
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
              {slo.map((d) => (
                <tr key={`${d.cluster}/${d.day}`}>
                  <td>{d.day}</td>
                  <td>{d.cluster}</td>
                  <td>{formatCount(d.startups)}</td>
                  <td>{s(d.p99)}</td>
                  <td>{formatCount(d.over5s)}</td>
                  <td className={d.met === false ? 'bad' : d.met ? 'good' : 'muted'}>
                    {d.met === null ? 'no data' : d.met ? 'met' : 'missed'}
                  </td>
                </tr>
              ))}
            </tbody>
          </Numbers>
        </section>
      </div>
      <div className="grid">
        <section className="panel" aria-labelledby="h-phases">
          <h2 id="h-phases">Where the seconds go</h2>
          <p className="note">
            Mean of each phase over the {formatCount(stack.completeStartups)} complete startups (every phase
            known) of {formatCount(stack.startups)}; the bands add up to their mean total because each
            startup's phases do.
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
                  <td>{s(whole.points[0]?.[b.key] ?? null)}</td>
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
        <section className="panel" aria-labelledby="h-share">
          <h2 id="h-share">Phase share over time</h2>
          <p className="note">
            Each phase's share of the mean startup per step (same startups as on the left).
          </p>
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
      </div>
      <div className="grid">
        <section className="panel" aria-labelledby="h-cold">
          <h2 id="h-cold">Cold vs warm starts</h2>
          <p className="note">
            Cold: at least one image was actually pulled. Warm: every image was already on the node.
          </p>
          <BarStartKind points={kindSeries} />
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
                  <td>{s(k.p50)}</td>
                  <td>{s(k.p90)}</td>
                </tr>
              ))}
            </tbody>
          </Numbers>
        </section>
        <section className="panel" aria-labelledby="h-failures">
          <h2 id="h-failures">Image pulls and failures</h2>
          <p className="note">
            Pulls that fetched an image, and pulls that never succeeded (by reason in the table).
          </p>
          <BarPullFailures points={view.pullFailures} />
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
              {view.pullFailures.map((p) => (
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
      </div>
    </>
  )
}

function Kpi({
  label,
  value,
  bad,
  testid,
}: {
  label: string
  value: string
  bad?: boolean
  testid?: string
}) {
  return (
    <div className="kpi" data-kpi={testid ?? label}>
      <div className="label">{label}</div>
      <div className={`value${bad ? ' bad' : ''}`}>{value}</div>
    </div>
  )
}

function Numbers({
  caption,
  open,
  children,
}: {
  caption: string
  open?: boolean
  children: React.ReactNode
}) {
  return (
    <details className="numbers" open={open}>
      <summary>Numbers: {caption}</summary>
      <div className="scroll">
        <table>{children}</table>
      </div>
    </details>
  )
}
