// The startup breakdown of one scope (everything, a cluster, a namespace, a workload, a node): headline numbers,
// percentiles over time, the SLO view, the stacked phases, cold vs warm and pull failures, each chart with its
// exact numbers beside it.

import { scopeHeadline } from '@/charts/scope-headline.ts'
import {
  percentileSeries,
  phaseStack,
  sliDays,
  sloDays,
  startKindSeries,
  startKindSummary,
} from '@/charts/startup-series.ts'
import { PeerViewsPanel } from '@/components/breakdown/peer-views-panel.tsx'
import { PercentilesPanel } from '@/components/breakdown/percentiles-panel.tsx'
import { PhaseMeansPanel } from '@/components/breakdown/phase-means-panel.tsx'
import { PhaseSharesPanel } from '@/components/breakdown/phase-shares-panel.tsx'
import { PullFailuresPanel } from '@/components/breakdown/pull-failures-panel.tsx'
import { ScopeKpis } from '@/components/breakdown/scope-kpis.tsx'
import { SloPanel } from '@/components/breakdown/slo-panel.tsx'
import { StartKindPanel } from '@/components/breakdown/start-kind-panel.tsx'
import type { ScopeView } from '@/server/dashboard-data.ts'
import { NoStartups } from './states.tsx'

export function ScopeBreakdown({ view }: { view: ScopeView }) {
  const summary = view.summary
  if (!summary || summary.startups === 0) return <NoStartups />
  const kinds = startKindSummary(view.startKinds)
  const slo = sloDays(view.sloDays)
  const stack = phaseStack(view.series)
  return (
    <>
      <ScopeKpis headline={scopeHeadline(summary, kinds, slo, view.pullFailures)} />
      <div className="grid">
        <PercentilesPanel points={percentileSeries(view.series)} stepSeconds={view.stepSeconds} />
        <SloPanel sli={sliDays(view.sli)} cut={slo} />
      </div>
      <PeerViewsPanel peers={view.peers} />
      <div className="grid">
        <PhaseMeansPanel stack={stack} whole={phaseStack([summary])} summary={summary} />
        <PhaseSharesPanel stack={stack} />
      </div>
      <div className="grid">
        <StartKindPanel points={startKindSeries(view.startKindSeries)} kinds={kinds} />
        <PullFailuresPanel steps={view.pullFailures} />
      </div>
    </>
  )
}
