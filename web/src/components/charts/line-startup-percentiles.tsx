'use client'
// p50/p90/p99 of created -> Ready per step, in seconds.
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts'
import type { PercentilePoint } from '@/charts/startup-series.ts'
import {
  ChartFrame,
  chartMargin,
  secondsValue,
  timeAxis,
  tooltipStyle,
  utcLabel,
  valueAxis,
} from './chart-frame.tsx'

const PERCENTILES = ['p50', 'p90', 'p99'] as const

export function LineStartupPercentiles({ points }: { points: PercentilePoint[] }) {
  return (
    <ChartFrame name="startup-percentiles">
      <LineChart data={points} margin={chartMargin}>
        <CartesianGrid stroke="var(--grid)" vertical={false} />
        <XAxis {...timeAxis} />
        <YAxis {...valueAxis} unit=" s" />
        <Tooltip formatter={secondsValue} labelFormatter={utcLabel} contentStyle={tooltipStyle} />
        <Legend itemSorter={null} />
        {PERCENTILES.map((p) => (
          <Line
            key={p}
            name={p}
            dataKey={p}
            stroke={`var(--${p})`}
            dot={false}
            strokeWidth={2}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartFrame>
  )
}
