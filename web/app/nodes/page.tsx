// Index of nodes in the window, with a name search (?q=).
import { IndexPage } from '@/components/index-page.tsx'
import { parseDashboardQuery, type RawSearchParams } from '@/lib/search-params.ts'

export const dynamic = 'force-dynamic'

export default async function NodesPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const sp = await searchParams
  const query = parseDashboardQuery(sp, Date.now())
  return (
    <IndexPage kind="node" title="Nodes" query={query} search={typeof sp.q === 'string' ? sp.q : undefined} />
  )
}
