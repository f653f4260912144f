// Advice: every finding for the window, ranked by expected saving, with evidence, links to its pods and the artifact.
import { FilterBar } from '@/components/filter-bar.tsx'
import { Findings } from '@/components/findings.tsx'
import { parseDashboardQuery, type RawSearchParams } from '@/lib/search-params.ts'
import { RANGES } from '@/lib/time-range.ts'
import { loadFindings } from '@/server/findings-cache.ts'

export const dynamic = 'force-dynamic'

export default async function AdvicePage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const query = parseDashboardQuery(await searchParams, Date.now())
  const result = await loadFindings(
    query.window,
    {
      cluster: query.cluster,
      namespace: query.namespace,
    },
    100,
  )
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
        <Findings result={result} withArtifacts />
      </section>
    </>
  )
}
