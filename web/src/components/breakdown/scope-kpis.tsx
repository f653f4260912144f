// The headline figures of a scope above its charts.
import type { ScopeHeadline } from '@/charts/scope-headline.ts'
import { formatCount, formatMs, formatSeconds, formatShare } from '@/lib/format.ts'

export function ScopeKpis({ headline: h }: { headline: ScopeHeadline }) {
  return (
    <div className="kpis" data-section="kpis">
      <Kpi label="startups" value={formatCount(h.startups)} />
      <Kpi label="p50 startup" value={formatMs(h.total.p50)} testid="kpi-p50" />
      <Kpi label="p90 startup" value={formatMs(h.total.p90)} testid="kpi-p90" />
      <Kpi label="p99 startup" value={formatMs(h.total.p99)} />
      <Kpi label="cold starts" value={formatShare(h.coldShare)} />
      <Kpi label="worst SLO day (p99)" value={formatSeconds(h.worstSloP99)} bad={h.sloMissed} />
      <Kpi
        label="failed pulls"
        value={`${formatCount(h.failedPulls)} / ${formatCount(h.pulls)}`}
        bad={h.failedPulls > 0}
      />
    </div>
  )
}

function Kpi({
  label,
  value,
  bad,
  testid,
}: {
  label: string
  value: string
  bad?: boolean
  testid?: string
}) {
  return (
    <div className="kpi" data-kpi={testid ?? label}>
      <div className="label">{label}</div>
      <div className={`value${bad ? ' bad' : ''}`}>{value}</div>
    </div>
  )
}
