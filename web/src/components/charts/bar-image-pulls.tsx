'use client'
// Mean download vs decompress per image (pulls that have a split), horizontal stacked bars in seconds.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts'
import { axisStyle, ChartFrame, chartMargin, secondsValue, tooltipStyle } from './chart-frame.tsx'

export interface ImageSplitBar {
  image: string
  download: number | null
  decompress: number | null
}

export function BarImagePulls({ bars }: { bars: ImageSplitBar[] }) {
  return (
    <ChartFrame name="image-split" height={Math.max(160, bars.length * 26 + 60)}>
      <BarChart data={bars} layout="vertical" margin={chartMargin}>
        <CartesianGrid stroke="var(--grid)" horizontal={false} />
        <XAxis type="number" {...axisStyle} unit=" s" />
        <YAxis
          type="category"
          dataKey="image"
          {...axisStyle}
          width={220}
          tickFormatter={(s: string) => (s.length > 34 ? `…${s.slice(-33)}` : s)}
        />
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
