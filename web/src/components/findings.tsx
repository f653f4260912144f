// Advice findings: title, scope, evidence, saving, confidence and the artifact to copy.
import { type Finding, percentileNote, scopeLabel } from '@podstart/schema/advice'
import Link from 'next/link'
import { findingScopeHref } from '@/lib/finding-scope.ts'
import type { FindingsResult } from '@/server/findings-cache.ts'
import { paths } from './links.ts'
import { Empty } from './states.tsx'

const n = (v: number) => v.toLocaleString('en-US')

/** The saving as measured and as ranked, with its basis: the window observed, the pods, observed or projected. */
function SavingLine({ f }: { f: Finding }) {
  const b = f.saving.basis
  if (b?.weekly === 'acute')
    return (
      <>
        incident: <strong data-saving-week>{n(b.podSecondsInWindow)} pod-s lost</strong> in the last{' '}
        {b.windowHours} h above the workload&apos;s own {f.acute?.baselineDays ?? 7}-day baseline (not a
        weekly figure), {f.saving.p90SecondsPerStartup} s more per startup; ranked first while it lasts
      </>
    )
  return (
    <>
      saves <strong data-saving-week>{n(f.saving.podSecondsPerWeek)} pod-s/week</strong>
      {b?.weekly === 'projection' ? ' (projected)' : ''}, {f.saving.p90SecondsPerStartup} s at p90 per
      affected startup; expected <span data-saving-expected>{n(f.rank?.expectedPodSecondsPerWeek ?? 0)}</span>{' '}
      pod-s/week at confidence {f.confidence}
      {b ? (
        <>
          {' '}
          · basis: {n(b.podSecondsInWindow)} pod-s observed in {b.windowHours} h
          {b.weekly === 'projection' ? `, week projected at ${n(b.podSecondsPerHour)} pod-s/hour` : ''}
        </>
      ) : null}
    </>
  )
}

/** Links to the finding's scope page and to the waterfalls of its slowest pods, with how many pods it covers. */
function EvidenceLinks({ f }: { f: Finding }) {
  return (
    <div className="meta" data-finding-links>
      <Link href={findingScopeHref(f.scope)} data-finding-scope-link>
        open {f.scope.level} page
      </Link>
      {f.pods ? (
        <>
          {' '}
          · covers <span data-finding-pods={f.pods.count}>{n(f.pods.count)} pods</span>
          {f.pods.slowest.length > 0 ? ' · slowest: ' : ''}
          {f.pods.slowest.map((p, i) => (
            <span key={p.uid}>
              {i > 0 ? ', ' : ''}
              <Link href={paths.pod(p.cluster, p.uid)} data-finding-pod-link>
                {p.namespace}/{p.pod}
              </Link>{' '}
              ({Math.round(p.ms / 100) / 10} s)
            </span>
          ))}
        </>
      ) : null}
    </div>
  )
}

export function Findings({
  result,
  withArtifacts,
  detailed = Number.POSITIVE_INFINITY,
  moreHref,
}: {
  result: FindingsResult
  withArtifacts: boolean
  /** With artifacts: how many findings (the first ones) carry their evidence table and assumptions; every one keeps its artifact. */
  detailed?: number
  /** Where the full list (every finding with its details) is, shown when some were listed without them. */
  moreHref?: string
}) {
  if (!result.available)
    return (
      <Empty title="advice not available">
        The advice engine could not run for this scope ({result.reason}). The breakdown above is unaffected.
      </Empty>
    )
  const asOf = (
    <p className="meta" data-findings-evaluated={result.evaluatedAt}>
      Evaluated {result.evaluatedAt.slice(0, 16).replace('T', ' ')} UTC
      {result.refreshing ? ' (a newer evaluation is running; reload in a minute)' : ''}.
    </p>
  )
  if (result.findings.length === 0)
    return (
      <>
        {result.refreshing ? (
          <Empty title="Advice is being evaluated on new data.">
            The data changed since the last evaluation (which found nothing); reload in a moment.
          </Empty>
        ) : (
          <Empty title="No findings in this window.">
            Nothing crossed a rule's threshold; widen the time range to see more.
          </Empty>
        )}
        {asOf}
      </>
    )
  return (
    <>
      {asOf}
      <ol style={{ listStyle: 'none', padding: 0, margin: 0 }} data-section="findings">
        {result.findings.map((f, i) => (
          <li
            key={`${f.ruleId}/${scopeLabel(f.scope)}/${f.title}`}
            className="finding"
            data-finding={f.ruleId}
            data-finding-scope={JSON.stringify(f.scope)}
            data-finding-confidence={f.confidence}
          >
            <div>
              <strong>{f.title}</strong>
            </div>
            <div className="meta">
              {scopeLabel(f.scope)} · rule <code>{f.ruleId}</code>
              {f.cause ? <> · cause {f.cause}</> : null} · confidence {f.confidence} · <SavingLine f={f} />
            </div>
            <EvidenceLinks f={f} />
            {withArtifacts && i < detailed ? (
              <>
                <table style={{ marginTop: '0.4rem' }}>
                  <thead>
                    <tr>
                      <th>evidence</th>
                      <th>value</th>
                      <th>query</th>
                    </tr>
                  </thead>
                  <tbody>
                    {f.evidence.map((e) => (
                      <tr key={`${e.label}/${e.query}`}>
                        <td>{e.label}</td>
                        <td>
                          {typeof e.value === 'number' ? e.value.toLocaleString('en-US') : e.value} {e.unit}
                          {e.percentile ? (
                            <span className="muted"> ({percentileNote(e.percentile)})</span>
                          ) : null}
                        </td>
                        <td>
                          <code>{e.query}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <details className="numbers">
                  <summary>Assumptions behind the saving</summary>
                  <ul>
                    {f.saving.assumptions.map((a) => (
                      <li key={a}>{a}</li>
                    ))}
                  </ul>
                </details>
              </>
            ) : null}
            {withArtifacts && f.artifact ? (
              <details className="numbers" open={i === 0}>
                <summary>
                  Artifact <code>{f.artifact.filename}</code> (copy and apply)
                </summary>
                <pre className="artifact">{f.artifact.content}</pre>
              </details>
            ) : null}
          </li>
        ))}
      </ol>
      {withArtifacts && result.findings.length > detailed ? (
        <p className="meta" data-findings-compact={result.findings.length - detailed}>
          The first {detailed} findings are shown with their evidence and assumptions, the other{' '}
          {result.findings.length - detailed} with their saving, links and artifact only.{' '}
          {moreHref ? <Link href={moreHref}>Show every finding in full</Link> : null}
        </p>
      ) : null}
    </>
  )
}
