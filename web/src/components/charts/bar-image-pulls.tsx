'use client'
// Mean download vs decompress per image (pulls that have a split), horizontal stacked bars in seconds.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'

export interface ImageSplitBar {
  image: string
  download: number | null
  decompress: number | null
}

export function BarImagePulls({ bars }: { bars: ImageSplitBar[] }) {
  return (
    <div className="chart" data-chart="image-split" style={{ height: Math.max(160, bars.length * 26 + 60) }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={bars} layout="vertical" margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--grid)" horizontal={false} />
          <XAxis type="number" stroke="var(--muted)" fontSize={11} unit=" s" />
          <YAxis
            type="category"
            dataKey="image"
            stroke="var(--muted)"
            fontSize={11}
            width={220}
            tickFormatter={(s: string) => (s.length > 34 ? `…${s.slice(-33)}` : s)}
          />
          <Tooltip
            formatter={(v: unknown) => (typeof v === 'number' ? `${v.toFixed(2)} s` : '–')}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
          />
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
      </ResponsiveContainer>
    </div>
  )
}
