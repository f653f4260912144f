// Overview: every startup in the window (narrowed by the URL's filters), with drill-downs by dimension.
import { ScopePage } from '@/components/scope-page.tsx'
import { parseDashboardQuery, type RawSearchParams } from '@/lib/search-params.ts'

export const dynamic = 'force-dynamic'

export default async function OverviewPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const query = parseDashboardQuery(await searchParams, Date.now())
  const filters = {
    cluster: query.cluster,
    namespace: query.namespace,
    workload: query.workload,
  }
  return (
    <ScopePage
      title="Pod startups"
      subtitle="Where the seconds of every pod startup go: created → Ready, phase by phase."
      query={query}
      filters={filters}
      filterFields={['cluster', 'namespace', 'workload']}
      groups={query.namespace ? ['workload', 'node'] : ['namespace', 'workload', 'node']}
      advice={{
        cluster: query.cluster,
        namespace: query.namespace,
      }}
    />
  )
}
