// Weekly regression report: this week against the one before, the same model as `podstart report`.
import { type Change, DIMENSIONS, type Report } from '@podstart/schema/report'
import { cachedWeeklyReport } from '@/server/reports.ts'

export const dynamic = 'force-dynamic'

const secs = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`)
const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`)
const value = (c: Change, v: number) => (c.metric === 'pullFailureRate' ? pct(v) : secs(v))

function ChangeItem({ c }: { c: Change }) {
  return (
    <li>
      <strong>{c.label}</strong> ({c.metric}): {value(c, c.previous)} → {value(c, c.current)}
      {c.relativeChange !== null
        ? ` (${c.relativeChange > 0 ? '+' : ''}${(c.relativeChange * 100).toFixed(0)}%)`
        : ''}
      ; samples {c.samples.previous} → {c.samples.current}; q = {c.test.qValue.toExponential(2)}
      {c.causes.length > 0 && (
        <ul>
          {c.causes.map((x) => (
            <li key={x.summary}>{x.summary}</li>
          ))}
        </ul>
      )}
      {c.advice.length > 0 && (
        <ul>
          {c.advice.map((a) => (
            <li key={`${a.ruleId}-${a.title}`}>
              Advice: {a.title} ({a.confidence})
            </li>
          ))}
        </ul>
      )}
    </li>
  )
}

function Tables({ r }: { r: Report }) {
  return (
    <>
      {DIMENSIONS.filter((d) => r.groups[d].length > 0).map((d) => (
        <section key={d}>
          <h2>By {d}</h2>
          <table>
            <thead>
              <tr>
                <th>group</th>
                <th>startups</th>
                <th>p50</th>
                <th>p90</th>
                <th>p99</th>
                <th>cold</th>
                <th>pull failures</th>
              </tr>
            </thead>
            <tbody>
              {r.groups[d].map((g) => (
                <tr key={g.label}>
                  <td>{g.label}</td>
                  <td>
                    {g.previous.startups} → {g.current.startups}
                  </td>
                  <td>
                    {secs(g.previous.total.p50)} → {secs(g.current.total.p50)}
                  </td>
                  <td>
                    {secs(g.previous.total.p90)} → {secs(g.current.total.p90)}
                  </td>
                  <td>
                    {secs(g.previous.total.p99)} → {secs(g.current.total.p99)}
                  </td>
                  <td>
                    {pct(g.previous.coldShare)} → {pct(g.current.coldShare)}
                  </td>
                  <td>
                    {g.previous.pulls.failed} → {g.current.pulls.failed}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  )
}

export default async function ReportsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const sp = await searchParams
  const to = typeof sp.to === 'string' && !Number.isNaN(Date.parse(sp.to)) ? Date.parse(sp.to) : undefined
  const cluster = typeof sp.cluster === 'string' && sp.cluster ? sp.cluster : undefined
  const cached = await cachedWeeklyReport({ toMs: to, cluster })
  const loaded = cached.loaded
  if (!loaded.ok) {
    return (
      <section>
        <h1>Weekly report</h1>
        <p className="muted" data-state="error">
          Store unavailable: {loaded.error}
        </p>
      </section>
    )
  }
  const r = loaded.value
  return (
    <section data-section="report" data-current-startups={r.totals.current.startups}>
      <h1>Weekly report</h1>
      <p className="subtitle">
        {r.windows.current.from.slice(0, 16)} → {r.windows.current.to.slice(0, 16)} UTC against the week
        before. {r.regressions.length} regression(s), {r.improvements.length} improvement(s) over{' '}
        {r.method.testsRun} tests.
      </p>
      <p className="meta" data-report-computed={new Date(cached.computedAt).toISOString()}>
        Computed {new Date(cached.computedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC
        {cached.refreshing ? ' (a newer one is being computed; reload in a minute)' : ''}.
      </p>
      <h2>Regressions</h2>
      {r.regressions.length ? (
        <ul>
          {r.regressions.map((c) => (
            <ChangeItem key={c.id} c={c} />
          ))}
        </ul>
      ) : (
        <p>None found.</p>
      )}
      <h2>Improvements</h2>
      {r.improvements.length ? (
        <ul>
          {r.improvements.map((c) => (
            <ChangeItem key={c.id} c={c} />
          ))}
        </ul>
      ) : (
        <p>None found.</p>
      )}
      <Tables r={r} />
      <h2>Method</h2>
      <p>{r.method.test}</p>
      <p>{r.method.multipleTesting}</p>
    </section>
  )
}
