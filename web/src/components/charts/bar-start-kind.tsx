'use client'
// Startups per step by cold (an image was pulled), warm (all images present) or unknown.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { StartKindPoint } from '@/charts/startup-series.ts'
import { formatTick } from '@/lib/format.ts'

export function BarStartKind({ points }: { points: StartKindPoint[] }) {
  return (
    <div className="chart" data-chart="cold-warm">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} barCategoryGap={1}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis
            dataKey="at"
            tickFormatter={formatTick}
            stroke="var(--muted)"
            fontSize={11}
            minTickGap={40}
          />
          <YAxis stroke="var(--muted)" fontSize={11} width={56} allowDecimals={false} />
          <Tooltip contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
          <Legend itemSorter={null} />
          <Bar name="cold" dataKey="cold" stackId="k" fill="var(--cold)" isAnimationActive={false} />
          <Bar name="warm" dataKey="warm" stackId="k" fill="var(--warm)" isAnimationActive={false} />
          <Bar name="unknown" dataKey="unknown" stackId="k" fill="var(--unknown)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  )
}
