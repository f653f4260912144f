'use client'
// Kubernetes' pod startup SLO view: p99 of created -> all containers started (excluding pulls and init) per
// cluster-day, against the 5 s target.
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'

const PALETTE = ['#2563eb', '#9333ea', '#0891b2', '#ca8a04', '#db2777', '#16a34a']

export function BarSloClusterDay({
  clusters,
  rows,
}: {
  clusters: string[]
  rows: Record<string, string | number | null>[]
}) {
  return (
    <div className="chart" data-chart="slo-cluster-day">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis
            dataKey="day"
            stroke="var(--muted)"
            fontSize={11}
            tickFormatter={(d: string) => d.slice(5)}
          />
          <YAxis stroke="var(--muted)" fontSize={11} unit=" s" width={56} />
          <Tooltip
            formatter={(v: unknown) => (typeof v === 'number' ? `${v.toFixed(2)} s` : '–')}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
          />
          <Legend itemSorter={null} />
          <ReferenceLine
            y={5}
            stroke="var(--bad)"
            strokeDasharray="4 3"
            label={{ value: '5 s SLO', fill: 'var(--bad)', fontSize: 11, position: 'insideTopRight' }}
          />
          {clusters.map((c, i) => (
            <Bar key={c} name={c} dataKey={c} fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  )
}
