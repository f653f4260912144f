// One cluster: its breakdown, namespaces, workloads and nodes.
import { ScopePage } from '@/components/scope-page.tsx'
import { parseDashboardQuery, type RawSearchParams } from '@/lib/search-params.ts'

export const dynamic = 'force-dynamic'

export default async function ClusterPage(props: {
  params: Promise<{ cluster: string }>
  searchParams: Promise<RawSearchParams>
}) {
  const cluster = decodeURIComponent((await props.params).cluster)
  const query = parseDashboardQuery(await props.searchParams, Date.now())
  return (
    <ScopePage
      title={`Cluster ${cluster}`}
      subtitle="Startups of every namespace in this cluster."
      crumbs={[{ href: '/', label: 'Overview' }]}
      query={query}
      filters={{ cluster }}
      filterFields={[]}
      groups={['namespace', 'workload', 'node']}
      advice={{ cluster }}
    />
  )
}
