// Index of namespaces in the window, with a name search (?q=).
import { IndexPage } from '@/components/index-page.tsx'
import { parseDashboardQuery, type RawSearchParams } from '@/lib/search-params.ts'

export const dynamic = 'force-dynamic'

export default async function NamespacesPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const sp = await searchParams
  const query = parseDashboardQuery(sp, Date.now())
  return (
    <IndexPage
      kind="namespace"
      title="Namespaces"
      query={query}
      search={typeof sp.q === 'string' ? sp.q : undefined}
    />
  )
}
