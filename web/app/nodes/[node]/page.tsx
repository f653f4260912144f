// One node: the startups it ran, the workloads behind them.
import { ScopePage } from '@/components/scope-page.tsx'
import { parseDashboardQuery, queryString, type RawSearchParams, timeOnly } from '@/lib/search-params.ts'

export const dynamic = 'force-dynamic'

export default async function NodePage(props: {
  params: Promise<{ node: string }>
  searchParams: Promise<RawSearchParams>
}) {
  const node = decodeURIComponent((await props.params).node)
  const query = parseDashboardQuery(await props.searchParams, Date.now())
  return (
    <ScopePage
      title={`Node ${node}`}
      subtitle="Startups scheduled onto this node. Slow pulls or sandboxes here and not elsewhere point at the node."
      crumbs={[
        { href: '/', label: 'Overview' },
        { href: `/nodes${queryString(timeOnly(query))}`, label: 'Nodes' },
      ]}
      query={query}
      filters={{ node, cluster: query.cluster }}
      filterFields={['cluster']}
      groups={['namespace', 'workload']}
      advice={{ cluster: query.cluster, node }}
    />
  )
}
