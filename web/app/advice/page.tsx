// Advice: every finding for the window, ranked by expected saving, with evidence, links to its pods and the artifact.
import { FilterBar } from '@/components/filter-bar.tsx'
import { Findings } from '@/components/findings.tsx'
import {
  type DashboardQuery,
  parseDashboardQuery,
  queryString,
  type RawSearchParams,
} from '@/lib/search-params.ts'
import { RANGES } from '@/lib/time-range.ts'
import { loadFindings } from '@/server/findings-cache.ts'

export const dynamic = 'force-dynamic'

/** Findings listed with their evidence tables and artifacts unless `?all=1`; the rest are one line each. */
const DETAILED = 20

export default async function AdvicePage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const sp = await searchParams
  const query = parseDashboardQuery(sp, Date.now())
  const all = sp.all === '1'
  return (
    <>
      <h1>Advice</h1>
      <p className="subtitle">
        Findings ranked by expected saving: the pod-seconds they would save per week weighted by their
        confidence (both shown, with the window and pods the saving rests on). Each names its evidence (the
        query behind it), the assumptions of its saving, its confidence, and a ready-to-apply artifact where
        one exists.
      </p>
      <FilterBar
        range={query.window.range}
        from={query.window.from}
        to={query.window.to}
        ranges={Object.keys(RANGES)}
        fields={[
          { name: 'cluster', label: 'cluster', value: query.cluster, options: [] },
          { name: 'namespace', label: 'namespace', value: query.namespace, options: [] },
        ]}
      />
      <section className="panel">
        {/* Awaited, not streamed: the findings are this page's own data (cached per scope and range, served
            stale while one background evaluation replaces them), and a link into the page lands on them. */}
        <AdviceFindings query={query} all={all} />
      </section>
    </>
  )
}

async function AdviceFindings({ query, all }: { query: DashboardQuery; all: boolean }) {
  const result = await loadFindings(query.window, { cluster: query.cluster, namespace: query.namespace }, 100)
  return (
    <Findings
      result={result}
      withArtifacts
      detailed={all ? Number.POSITIVE_INFINITY : DETAILED}
      moreHref={`/advice${queryString(query, { all: '1' })}`}
    />
  )
}
