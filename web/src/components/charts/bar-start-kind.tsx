'use client'
// Startups per step by cold (an image was pulled), warm (all images present) or unknown.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts'
import type { StartKindPoint } from '@/charts/startup-series.ts'
import { dataMax } from '@/charts/ticks.ts'
import {
  ChartFrame,
  chartMargin,
  countAxisProps,
  countValue,
  timeAxis,
  tooltipStyle,
  utcLabel,
  valueAxis,
} from './chart-frame.tsx'

export function BarStartKind({ points }: { points: StartKindPoint[] }) {
  return (
    <ChartFrame name="cold-warm">
      <BarChart data={points} margin={chartMargin} barCategoryGap={1}>
        <CartesianGrid stroke="var(--grid)" vertical={false} />
        <XAxis {...timeAxis} />
        <YAxis {...valueAxis} {...countAxisProps(dataMax(points, ['cold', 'warm', 'unknown'], true))} />
        <Tooltip formatter={countValue} labelFormatter={utcLabel} contentStyle={tooltipStyle} />
        <Legend itemSorter={null} />
        <Bar name="cold" dataKey="cold" stackId="k" fill="var(--cold)" isAnimationActive={false} />
        <Bar name="warm" dataKey="warm" stackId="k" fill="var(--warm)" isAnimationActive={false} />
        <Bar name="unknown" dataKey="unknown" stackId="k" fill="var(--unknown)" isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  )
}
