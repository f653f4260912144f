'use client'
// Image pulls and failed pulls per step.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { formatTick } from '@/lib/format.ts'

export function BarPullFailures({ points }: { points: { at: string; pulls: number; failed: number }[] }) {
  return (
    <div className="chart" data-chart="pull-failures">
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
          <Bar name="pulls" dataKey="pulls" fill="var(--unknown)" isAnimationActive={false} />
          <Bar name="failed" dataKey="failed" fill="var(--bad)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  )
}
