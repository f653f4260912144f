'use client'
// Stacked mean phase time of complete startups per step, absolute (seconds) or as a share of the step's total.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts'
import type { PhaseStack } from '@/charts/startup-series.ts'
import { dataMax } from '@/charts/ticks.ts'
import {
  ChartFrame,
  chartMargin,
  durationAxisProps,
  secondsValue,
  timeAxis,
  tooltipStyle,
  utcLabel,
  valueAxis,
} from './chart-frame.tsx'

const SHARE_TICKS = [0, 0.25, 0.5, 0.75, 1]

export function BarPhaseBreakdown({ stack, mode }: { stack: PhaseStack; mode: 'seconds' | 'share' }) {
  const data = mode === 'share' ? stack.shares : stack.points
  const fmt = (v: unknown) =>
    mode === 'share' ? (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '–') : secondsValue(v)
  const yAxis =
    mode === 'share'
      ? {
          ticks: SHARE_TICKS,
          domain: [0, 1] as [number, number],
          tickFormatter: (v: number) => `${Math.round(v * 100)}%`,
          interval: 0 as const,
        }
      : durationAxisProps(
          dataMax(
            stack.points,
            stack.bands.map((b) => b.key),
            true,
          ),
        )
  return (
    <ChartFrame name={mode === 'share' ? 'phase-share' : 'phase-breakdown'}>
      <BarChart data={data} margin={chartMargin} barCategoryGap={1}>
        <CartesianGrid stroke="var(--grid)" vertical={false} />
        <XAxis {...timeAxis} />
        <YAxis {...valueAxis} {...yAxis} />
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
