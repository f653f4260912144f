'use client'
// Last-resort error boundary: says what failed and how to retry, without a stack trace.
export default function DashboardError({
  error,
  reset,
}: {
  error: Error & { digest?: string }
  reset: () => void
}) {
  return (
    <section className="error" role="alert" data-state="error">
      <h1>This view could not be rendered</h1>
      <p className="muted">
        {error.digest ? `Error ${error.digest} (details in the server log).` : error.message}
      </p>
      <p>Check that the store is reachable, then retry.</p>
      <button type="button" className="primary" onClick={reset}>
        Retry
      </button>
    </section>
  )
}
