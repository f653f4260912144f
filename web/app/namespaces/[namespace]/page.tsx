// One namespace (across clusters unless ?cluster= narrows it): its breakdown, workloads and nodes.
import { ScopePage } from '@/components/scope-page.tsx'
import { parseDashboardQuery, type RawSearchParams } from '@/lib/search-params.ts'

export const dynamic = 'force-dynamic'

export default async function NamespacePage(props: {
  params: Promise<{ namespace: string }>
  searchParams: Promise<RawSearchParams>
}) {
  const namespace = decodeURIComponent((await props.params).namespace)
  const query = parseDashboardQuery(await props.searchParams, Date.now())
  return (
    <ScopePage
      title={`Namespace ${namespace}`}
      subtitle={query.cluster ? `In cluster ${query.cluster}.` : 'In every cluster.'}
      crumbs={[{ href: '/', label: 'Overview' }]}
      query={query}
      filters={{ namespace, cluster: query.cluster }}
      filterFields={['cluster']}
      groups={['workload', 'node']}
      advice={{ namespace, cluster: query.cluster }}
    />
  )
}
