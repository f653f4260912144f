// Imports: every `podstart import` with what it stored and refused, and a link to the overview over the dump's
// own time range (an imported dump is usually older than the default window ending now).
import Link from 'next/link'
import { importOverviewHref } from '@/lib/import-link.ts'
import { loadImportRuns } from '@/server/imports.ts'

export const dynamic = 'force-dynamic'

const time = (iso: string | null) => (iso ? `${iso.slice(0, 19).replace('T', ' ')}` : '–')

export default async function ImportsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const sp = await searchParams
  const cluster = typeof sp.cluster === 'string' && sp.cluster ? sp.cluster : undefined
  const loaded = await loadImportRuns(cluster ? { cluster } : {})
  if (!loaded.ok) {
    return (
      <section>
        <h1>Imports</h1>
        <p className="muted">Store unavailable: {loaded.error}</p>
      </section>
    )
  }
  const runs = loaded.value
  return (
    <section>
      <h1>Imports</h1>
      <p className="subtitle">
        {runs.length} import(s). Startups created before an import&apos;s cutoff (now minus the pod_startups
        retention) are refused unless imported with --keep-old, which keeps them for the retention period from
        the import. Times are UTC.
      </p>
      <table>
        <thead>
          <tr>
            <th>started</th>
            <th>cluster</th>
            <th>files</th>
            <th>stored</th>
            <th>refused</th>
            <th>rejected</th>
            <th>cutoff</th>
            <th>kept old</th>
            <th>startups created</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            const href = importOverviewHref(r)
            return (
              <tr key={r.id}>
                <td>{time(r.startedAt)}</td>
                <td>{r.cluster}</td>
                <td>{r.files.join(', ')}</td>
                <td>{r.stored}</td>
                <td>{r.refused}</td>
                <td>{r.rejected}</td>
                <td>
                  {time(r.cutoff)} ({r.retentionDays} d)
                </td>
                <td>{r.keptOld ? `yes (${r.outsideRetention} old)` : 'no'}</td>
                <td>
                  {href ? (
                    <Link href={href} className="import-range">
                      {time(r.minCreatedAt)} → {time(r.maxCreatedAt)}
                    </Link>
                  ) : (
                    'none stored'
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}
