'use client'
// p50/p90/p99 of created -> Ready per step, in seconds.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { PercentilePoint } from '@/charts/startup-series.ts'
import { formatTick } from '@/lib/format.ts'

const seconds = (v: unknown) => (typeof v === 'number' ? `${v.toFixed(2)} s` : '–')

export function LineStartupPercentiles({ points }: { points: PercentilePoint[] }) {
  return (
    <div className="chart" data-chart="startup-percentiles">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis
            dataKey="at"
            tickFormatter={formatTick}
            stroke="var(--muted)"
            fontSize={11}
            minTickGap={40}
          />
          <YAxis stroke="var(--muted)" fontSize={11} unit=" s" width={56} />
          <Tooltip
            formatter={seconds}
            labelFormatter={(l) => `${String(l)} UTC`}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
          />
          <Legend itemSorter={null} />
          <Line
            name="p50"
            dataKey="p50"
            stroke="var(--p50)"
            dot={false}
            strokeWidth={2}
            connectNulls={false}
            isAnimationActive={false}
          />
          <Line
            name="p90"
            dataKey="p90"
            stroke="var(--p90)"
            dot={false}
            strokeWidth={2}
            connectNulls={false}
            isAnimationActive={false}
          />
          <Line
            name="p99"
            dataKey="p99"
            stroke="var(--p99)"
            dot={false}
            strokeWidth={2}
            connectNulls={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  )
}
