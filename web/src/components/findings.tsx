// Advice findings: title, scope, evidence, saving, confidence and the artifact to copy.
import { scopeLabel } from '@podstart/schema/advice'
import type { FindingsResult } from '@/server/findings-cache.ts'
import { Empty } from './states.tsx'

export function Findings({ result, withArtifacts }: { result: FindingsResult; withArtifacts: boolean }) {
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
        <Empty title="No findings in this window.">
          Nothing crossed a rule's threshold; widen the time range to see more.
        </Empty>
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
          >
            <div>
              <strong>{f.title}</strong>
            </div>
            <div className="meta">
              {scopeLabel(f.scope)} · rule <code>{f.ruleId}</code> · confidence {f.confidence} · saves{' '}
              <strong>{f.saving.podSecondsPerWeek.toLocaleString('en-US')} pod-s/week</strong>,{' '}
              {f.saving.p90SecondsPerStartup} s at p90 per affected startup
            </div>
            {withArtifacts ? (
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
                      <tr key={e.label}>
                        <td>{e.label}</td>
                        <td>
                          {typeof e.value === 'number' ? e.value.toLocaleString('en-US') : e.value} {e.unit}
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
                {f.artifact ? (
                  <details className="numbers" open={i === 0}>
                    <summary>
                      Artifact <code>{f.artifact.filename}</code> (copy and apply)
                    </summary>
                    <pre className="artifact">{f.artifact.content}</pre>
                  </details>
                ) : null}
              </>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  )
}
