// One workload: its breakdown, the nodes it landed on, and its rollouts on the timeline with how long each took.

import { paths } from '@/components/links.ts'
import { RolloutsPanel } from '@/components/rollouts-panel.tsx'
import { ScopePage } from '@/components/scope-page.tsx'
import { parseDashboardQuery, queryString, type RawSearchParams, timeOnly } from '@/lib/search-params.ts'
import { loadRollouts } from '@/server/dashboard-data.ts'

export const dynamic = 'force-dynamic'

export default async function WorkloadPage(props: {
  params: Promise<{ namespace: string; kind: string; name: string }>
  searchParams: Promise<RawSearchParams>
}) {
  const p = await props.params
  const namespace = decodeURIComponent(p.namespace)
  const kind = decodeURIComponent(p.kind)
  const name = decodeURIComponent(p.name)
  const query = parseDashboardQuery(await props.searchParams, Date.now())
  let rollouts: Awaited<ReturnType<typeof loadRollouts>> | { error: string }
  try {
    rollouts = await loadRollouts(query.window, query.cluster, namespace, name)
  } catch (err) {
    rollouts = { error: (err as Error).message }
  }
  return (
    <ScopePage
      title={`${kind} ${namespace}/${name}`}
      subtitle="Startups of this workload's pods, and the rollouts that created them."
      crumbs={[
        { href: '/', label: 'Overview' },
        {
          href: `${paths.namespace(namespace)}${queryString(timeOnly(query))}`,
          label: `namespace ${namespace}`,
        },
      ]}
      query={query}
      filters={{ namespace, workload: name, cluster: query.cluster }}
      filterFields={['cluster']}
      groups={['node']}
      advice={{ namespace, cluster: query.cluster, workload: { kind, name } }}
      extra={<RolloutsPanel rollouts={rollouts} window={query.window} />}
    />
  )
}
