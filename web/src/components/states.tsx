// Empty and error states that say what to do next.
import type { ReactNode } from 'react'

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" role="status" data-state="empty">
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
    </div>
  )
}

export function StoreProblem({ error }: { error: string }) {
  return (
    <section className="error" role="alert" data-state="error">
      <h1>The store did not answer</h1>
      <p className="muted">{error}</p>
      <p>
        Check that <code>podstart up</code> is running with its data directory (or that{' '}
        <code>CLICKHOUSE_URL</code> points at a reachable ClickHouse with the podstart database), run{' '}
        <code>podstart migrate</code> if the schema is behind, then reload this page.
      </p>
    </section>
  )
}

export function NoStartups() {
  return (
    <Empty title="No pod startups in this window.">
      Widen the time range or clear a filter. If the store is new: <code>podstart up --demo</code> fills it
      from the simulated cluster within a minute, and <code>podstart import dump.json</code> loads a{' '}
      <code>kubectl get pods,events -A -o json</code> dump.
    </Empty>
  )
}
