'use client'
// Stacked mean phase time of complete startups per step, absolute (seconds) or as a share of the step's total.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { PhaseStack } from '@/charts/startup-series.ts'
import { formatTick } from '@/lib/format.ts'

export function BarPhaseBreakdown({ stack, mode }: { stack: PhaseStack; mode: 'seconds' | 'share' }) {
  const data = mode === 'share' ? stack.shares : stack.points
  const fmt = (v: unknown) =>
    typeof v !== 'number' ? '–' : mode === 'share' ? `${(v * 100).toFixed(1)}%` : `${v.toFixed(2)} s`
  return (
    <div className="chart" data-chart={mode === 'share' ? 'phase-share' : 'phase-breakdown'}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} barCategoryGap={1}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis
            dataKey="at"
            tickFormatter={formatTick}
            stroke="var(--muted)"
            fontSize={11}
            minTickGap={40}
          />
          <YAxis
            stroke="var(--muted)"
            fontSize={11}
            width={56}
            domain={mode === 'share' ? [0, 1] : [0, 'auto']}
            tickFormatter={(v: number) => (mode === 'share' ? `${Math.round(v * 100)}%` : `${v} s`)}
          />
          <Tooltip
            formatter={fmt}
            labelFormatter={(l) => `${String(l)} UTC`}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
          />
          <Legend itemSorter={null} />
          {stack.bands.map((b) => (
            <Bar
              key={b.key}
              name={b.label}
              dataKey={b.key}
              stackId="phases"
              fill={`var(--phase-${b.key})`}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  )
}
