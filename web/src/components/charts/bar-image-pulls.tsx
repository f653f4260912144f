'use client'
// Mean download vs decompress per image (pulls that have a split), horizontal stacked bars in seconds.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts'
import { dataMax } from '@/charts/ticks.ts'
import {
  axisStyle,
  ChartFrame,
  chartMargin,
  durationAxisProps,
  secondsValue,
  tooltipStyle,
} from './chart-frame.tsx'

export interface ImageSplitBar {
  image: string
  download: number | null
  decompress: number | null
}

/** A long image name cut in the middle (registry and tag stay readable); the tooltip shows all of it. */
export const middle = (s: string, max = 34) =>
  s.length > max
    ? `${s.slice(0, Math.ceil((max - 1) / 2))}…${s.slice(s.length - Math.floor((max - 1) / 2))}`
    : s

export function BarImagePulls({ bars }: { bars: ImageSplitBar[] }) {
  return (
    <ChartFrame name="image-split" height={Math.max(160, bars.length * 26 + 60)}>
      <BarChart data={bars} layout="vertical" margin={chartMargin}>
        <CartesianGrid stroke="var(--grid)" horizontal={false} />
        <XAxis
          type="number"
          {...axisStyle}
          {...durationAxisProps(dataMax(bars, ['download', 'decompress'], true))}
        />
        <YAxis type="category" dataKey="image" {...axisStyle} width={220} tickFormatter={middle} />
        <Tooltip formatter={secondsValue} contentStyle={tooltipStyle} />
        <Legend itemSorter={null} />
        <Bar
          name="download"
          dataKey="download"
          stackId="s"
          fill="var(--phase-download)"
          isAnimationActive={false}
        />
        <Bar
          name="decompress"
          dataKey="decompress"
          stackId="s"
          fill="var(--phase-decompress)"
          isAnimationActive={false}
        />
      </BarChart>
    </ChartFrame>
  )
}
