// Index of pods: the slowest startups of the window (narrowed by the URL's filters), with a name search (?q=).
import Link from 'next/link'
import { SearchForm } from '@/components/search-form.tsx'
import { SlowestStartups } from '@/components/startup-tables.tsx'
import { StoreProblem } from '@/components/states.tsx'
import { parseDashboardQuery, queryString, type RawSearchParams } from '@/lib/search-params.ts'
import { loadSlowest } from '@/server/dashboard-data.ts'

export const dynamic = 'force-dynamic'

const LIMIT = 200

export default async function PodsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const sp = await searchParams
  const query = parseDashboardQuery(sp, Date.now())
  const search = typeof sp.q === 'string' && sp.q.trim() ? sp.q.trim() : undefined
  let body: React.ReactNode
  try {
    const rows = await loadSlowest(
      query.window,
      { cluster: query.cluster, namespace: query.namespace, workload: query.workload },
      LIMIT,
    )
    const needle = search?.toLowerCase()
    const shown = needle ? rows.filter((r) => `${r.namespace}/${r.pod}`.toLowerCase().includes(needle)) : rows
    body = (
      <section className="panel" aria-labelledby="h-index">
        <h2 id="h-index">
          {shown.length} of the {LIMIT} slowest startups{search ? ` matching "${search}"` : ''}
        </h2>
        <SlowestStartups
          rows={shown}
          suffix={queryString({ window: query.window, cluster: query.cluster })}
        />
      </section>
    )
  } catch (err) {
    body = <StoreProblem error={(err as Error).message} />
  }
  return (
    <>
      <div className="crumbs">
        <Link href={`/${queryString(query)}`}>Overview</Link>
      </div>
      <h1>Pods</h1>
      <p className="subtitle">Pod startups that became Ready in the window, slowest first.</p>
      <SearchForm
        query={query}
        keepNamespace
        search={search}
        label="Search pods"
        placeholder="namespace/pod"
        dataSearch="pod"
      />
      {body}
    </>
  )
}
