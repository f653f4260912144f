'use client'
// The official pod startup SLI per cluster-day: p99 (nearest rank) of created -> every container started as
// observed via watch, minus pulls and init, against the 5 s target.
import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts'
import { dataMax } from '@/charts/ticks.ts'
import {
  axisStyle,
  ChartFrame,
  chartMargin,
  durationAxisProps,
  secondsValue,
  tooltipStyle,
  utcLabel,
  valueAxis,
} from './chart-frame.tsx'

const PALETTE = ['#2563eb', '#9333ea', '#0891b2', '#ca8a04', '#db2777', '#16a34a']

export function BarSloClusterDay({
  clusters,
  rows,
}: {
  clusters: string[]
  rows: Record<string, string | number | null>[]
}) {
  return (
    <ChartFrame name="slo-cluster-day">
      <BarChart data={rows} margin={chartMargin}>
        <CartesianGrid stroke="var(--grid)" vertical={false} />
        <XAxis dataKey="day" {...axisStyle} tickFormatter={(d: string) => d.slice(5)} />
        {/* Above 5 s even when every day is under it, so the target line and its label stay inside the plot. */}
        <YAxis {...valueAxis} {...durationAxisProps(Math.max(dataMax(rows, clusters), 6))} />
        <Tooltip formatter={secondsValue} labelFormatter={utcLabel} contentStyle={tooltipStyle} />
        <Legend itemSorter={null} />
        <ReferenceLine
          y={5}
          stroke="var(--bad)"
          strokeDasharray="4 3"
          label={{
            value: '5 s SLO (p99, nearest rank)',
            fill: 'var(--bad)',
            fontSize: 11,
            // Above the line at its right end: clear of the y axis and its ticks.
            position: 'insideBottomRight',
            offset: 4,
          }}
        />
        {clusters.map((c, i) => (
          <Bar key={c} name={c} dataKey={c} fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
        ))}
      </BarChart>
    </ChartFrame>
  )
}
