'use client'
// Stacked mean phase time of complete startups per step, absolute (seconds) or as a share of the step's total.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts'
import type { PhaseStack } from '@/charts/startup-series.ts'
import { ChartFrame, chartMargin, timeAxis, tooltipStyle, utcLabel, valueAxis } from './chart-frame.tsx'

export function BarPhaseBreakdown({ stack, mode }: { stack: PhaseStack; mode: 'seconds' | 'share' }) {
  const data = mode === 'share' ? stack.shares : stack.points
  const fmt = (v: unknown) =>
    typeof v !== 'number' ? '–' : mode === 'share' ? `${(v * 100).toFixed(1)}%` : `${v.toFixed(2)} s`
  return (
    <ChartFrame name={mode === 'share' ? 'phase-share' : 'phase-breakdown'}>
      <BarChart data={data} margin={chartMargin} barCategoryGap={1}>
        <CartesianGrid stroke="var(--grid)" vertical={false} />
        <XAxis {...timeAxis} />
        <YAxis
          {...valueAxis}
          domain={mode === 'share' ? [0, 1] : [0, 'auto']}
          tickFormatter={(v: number) => (mode === 'share' ? `${Math.round(v * 100)}%` : `${v} s`)}
        />
        <Tooltip formatter={fmt} labelFormatter={utcLabel} contentStyle={tooltipStyle} />
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
    </ChartFrame>
  )
}
