// Index of workloads in the window, with a name search (?q=).
import { IndexPage } from '@/components/index-page.tsx'
import { parseDashboardQuery, type RawSearchParams } from '@/lib/search-params.ts'

export const dynamic = 'force-dynamic'

export default async function WorkloadsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const sp = await searchParams
  const query = parseDashboardQuery(sp, Date.now())
  return (
    <IndexPage
      kind="workload"
      title="Workloads"
      query={query}
      search={typeof sp.q === 'string' ? sp.q : undefined}
    />
  )
}
