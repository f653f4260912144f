'use client'
// Image pulls and failed pulls per step.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts'
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

export function BarPullFailures({ points }: { points: { at: string; pulls: number; failed: number }[] }) {
  return (
    <ChartFrame name="pull-failures">
      <BarChart data={points} margin={chartMargin} barCategoryGap={1}>
        <CartesianGrid stroke="var(--grid)" vertical={false} />
        <XAxis {...timeAxis} />
        <YAxis {...valueAxis} {...countAxisProps(dataMax(points, ['pulls', 'failed']))} />
        <Tooltip formatter={countValue} labelFormatter={utcLabel} contentStyle={tooltipStyle} />
        <Legend itemSorter={null} />
        <Bar name="pulls" dataKey="pulls" fill="var(--unknown)" isAnimationActive={false} />
        <Bar name="failed" dataKey="failed" fill="var(--bad)" isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  )
}
